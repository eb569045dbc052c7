(* TCP and UDP over the port's sockets (POSIX on hosts, lwIP on boards),
   with the shapes of MirageOS's Tcpip.Tcp.S, Tcpip.Udp.S and
   Tcpip.Stack.V4V6.  Sockets are non-blocking; a flow that would block
   waits for readiness in the main loop (Ucaml_os.Io). *)

let ( >>= ) = Lwt.bind

module Ipaddr = struct
  (* An IPv4 address: its 4 bytes in network order. *)
  type t = string

  let of_octets a b c d = String.init 4 (fun i -> Char.chr ([| a; b; c; d |].(i) land 255))

  let of_string s =
    match List.map int_of_string_opt (String.split_on_char '.' s) with
    | [ Some a; Some b; Some c; Some d ]
      when List.for_all (fun x -> x >= 0 && x < 256) [ a; b; c; d ] -> Some (of_octets a b c d)
    | _ -> None

  let of_string_exn s =
    match of_string s with Some a -> a | None -> invalid_arg ("Ipaddr.of_string_exn: " ^ s)

  let to_string a =
    String.concat "." (List.init 4 (fun i -> string_of_int (Char.code a.[i])))

  let pp ppf a = Format.pp_print_string ppf (to_string a)
  let compare = String.compare
  let localhost = of_octets 127 0 0 1
  let any = of_octets 0 0 0 0
end

external tcp_listen : string -> int -> int -> int = "ucaml_net_tcp_listen"
external tcp_accept : int -> int = "ucaml_net_tcp_accept"
external tcp_connect : string -> int -> int = "ucaml_net_tcp_connect"
external connect_result : int -> int = "ucaml_net_connect_result"
external sock_read : int -> Cstruct.buffer -> int -> int -> int = "ucaml_net_read"
external sock_write : int -> Cstruct.buffer -> int -> int -> int = "ucaml_net_write"
external sock_shutdown : int -> int -> int = "ucaml_net_shutdown"
external sock_close : int -> int = "ucaml_net_close"
external endpoint : int -> bool -> Bytes.t -> int = "ucaml_net_endpoint"
external connection_limit : unit -> int = "ucaml_net_connection_limit"
external udp_bind : string -> int -> int = "ucaml_net_udp_bind"
external udp_sendto : int -> Cstruct.buffer -> int -> int -> string -> int = "ucaml_net_udp_sendto"
external udp_recvfrom : int -> Cstruct.buffer -> int -> int -> Bytes.t -> int = "ucaml_net_udp_recvfrom"

let again = -1   (* -PORT_DEV_EAGAIN *)

(* An (address, port) pair in the 6-byte form of the primitives. *)
let encode_endpoint (ip, port) =
  ip ^ String.init 2 (fun i -> Char.chr ((port lsr (8 * (1 - i))) land 255))

let decode_endpoint b =
  (Bytes.sub_string b 0 4, (Char.code (Bytes.get b 4) lsl 8) lor Char.code (Bytes.get b 5))

let device_error what code = Ucaml_dev.Device_error (what, Ucaml_dev.error_of_code code)

(* Keeps trying [op] until it does not answer "would block". *)
let rec retry ~wait op =
  let r = op () in
  if r = again then wait () >>= fun () -> retry ~wait op else Lwt.return r

module Tcp = struct
  type ipaddr = Ipaddr.t

  type flow = {
    fd : int;
    dst : ipaddr * int;
    mutable closed : bool;
    mutable read_shut : bool;
    mutable write_shut : bool;
    (* Since when a read has been waiting for data (monotonic ns), or -1:
       how a server tells its idle connections. *)
    mutable waiting_since : int64;
    mutable on_close : flow -> unit;
  }

  (* A listener's connections being served, by descriptor. *)
  type listener = { lfd : int; mutable stopped : bool; flows : (int, flow) Hashtbl.t }

  (* Limits of the servers (listeners) of a stack; see [set_limits]. *)
  type t = {
    ip : ipaddr;
    listeners : (int, listener) Hashtbl.t;
    mutable max_connections : int;
    mutable idle_timeout_ns : int64;
    mutable memory_per_connection : int;
    mutable last_full_check : int64;
  }

  type error = [ Tcpip.Tcp.error | `Reset | `Device of Ucaml_dev.error ]
  type write_error = [ Tcpip.Tcp.write_error | `Reset | `Device of Ucaml_dev.error ]

  let pp_error ppf : error -> unit = function
    | #Tcpip.Tcp.error as e -> Tcpip.Tcp.pp_error ppf e
    | `Reset -> Format.pp_print_string ppf "connection reset by peer"
    | `Device e -> Format.pp_print_string ppf (Ucaml_dev.error_message e)

  let pp_write_error ppf : write_error -> unit = function
    | #Tcpip.Tcp.write_error as e -> Tcpip.Tcp.pp_write_error ppf e
    | #error as e -> pp_error ppf e

  let error_of_code n : error =
    match Ucaml_dev.error_of_code n with
    | Ucaml_dev.Refused -> `Refused
    | Ucaml_dev.Timed_out -> `Timeout
    | Ucaml_dev.Reset -> `Reset
    | e -> `Device e

  let create ip =
    { ip; listeners = Hashtbl.create 4; max_connections = max 1 (connection_limit ());
      idle_timeout_ns = 60_000_000_000L; memory_per_connection = 1024 * (Sys.word_size / 8);
      last_full_check = 0L }

  (* A server holds at most [max_connections] connections per listener
     (default: what the port's stack can hold, vm/port_dev.h).  When it is
     full, the connection whose read has waited longest is closed to make
     room, if it has waited [evict_after_ns] (50 ms); if every connection is
     busy, new ones wait in the backlog until one ends.  A connection whose
     read has waited [idle_timeout] seconds (default 60) is closed.  A new
     connection is accepted only if the heap can surely give it
     [memory_per_connection] bytes (default 8 KB with 64-bit words, 4 KB
     with 32-bit ones) and the connections' share would stay within half
     the heap; else it waits as when the server is full: memory running
     out delays clients rather than failing them. *)
  let set_limits ?max_connections ?idle_timeout ?memory_per_connection t =
    Option.iter (fun n -> t.max_connections <- max 1 n) max_connections;
    Option.iter (fun n -> t.memory_per_connection <- max 0 n) memory_per_connection;
    Option.iter (fun s -> t.idle_timeout_ns <- Int64.of_float (s *. 1e9)) idle_timeout

  let evict_after_ns = 50_000_000L

  let disconnect t =
    Hashtbl.iter (fun _ l -> l.stopped <- true; Ucaml_os.Io.release l.lfd; ignore (sock_close l.lfd))
      t.listeners;
    Hashtbl.reset t.listeners;
    Lwt.return_unit

  let dst f = f.dst

  (* Reads go through one buffer shared by all flows and are copied out at
     once into a buffer of their size: what a read keeps alive is what it
     got (a request line, not 4 KB per connection). *)
  let read_size = 4096
  let scratch = Cstruct.create_unsafe read_size

  let read_now f =
    if f.closed then (0, Cstruct.empty)
    else
      let n = sock_read f.fd scratch.Cstruct.buffer 0 read_size in
      if n <= 0 then (n, Cstruct.empty)
      else begin
        let data = Cstruct.create_unsafe n in
        Cstruct.blit scratch 0 data 0 n;
        (n, data)
      end

  (* Data that was there without waiting is handed over after a pause (one
     turn of the main loop): a peer that keeps sending cannot starve the
     other connections. *)
  let read f =
    if f.closed || f.read_shut then Lwt.return (Ok `Eof)
    else begin
      let got = ref Cstruct.empty in
      let waited = ref false in
      retry
        ~wait:(fun () ->
            waited := true;
            if f.waiting_since < 0L then f.waiting_since <- Ucaml_dev.monotonic_ns ();
            Ucaml_os.Io.readable f.fd)
        (fun () -> let n, d = read_now f in got := d; n)
      >>= fun n ->
      f.waiting_since <- -1L;
      (if !waited then Lwt.return_unit else Lwt.pause ()) >>= fun () ->
      if n > 0 then Lwt.return (Ok (`Data !got))
      else if n = 0 || f.closed then Lwt.return (Ok `Eof)
      else match error_of_code n with
        | `Reset -> Lwt.return (Ok `Eof)     (* what a reset leaves to read: nothing *)
        | e -> Lwt.return (Error e)
    end

  let write_error_of_code n : write_error =
    match Ucaml_dev.error_of_code n with
    | Ucaml_dev.Closed | Ucaml_dev.Invalid -> `Closed
    | _ -> (error_of_code n :> write_error)

  let closed_code = Ucaml_dev.code_of_error Ucaml_dev.Closed

  let rec write f buf =
    if f.closed || f.write_shut then Lwt.return (Error `Closed)
    else if Cstruct.length buf = 0 then Lwt.return (Ok ())
    else
      retry ~wait:(fun () -> Ucaml_os.Io.writable f.fd)
        (fun () -> if f.closed then closed_code else sock_write f.fd buf.Cstruct.buffer buf.Cstruct.off buf.Cstruct.len)
      >>= fun n ->
      if n >= 0 then write f (Cstruct.shift buf n) else Lwt.return (Error (write_error_of_code n))

  let writev f bufs =
    match bufs with
    | [ b ] -> write f b
    | _ -> write f (Cstruct.concat bufs)

  let write_nodelay = write
  let writev_nodelay = writev

  let shutdown f mode =
    if not f.closed then begin
      let how = match mode with `read -> 1 | `write -> 2 | `read_write -> 3 in
      if how land 1 <> 0 then f.read_shut <- true;
      if how land 2 <> 0 then f.write_shut <- true;
      ignore (sock_shutdown f.fd how)
    end;
    Lwt.return_unit

  (* Allocates nothing. *)
  let close_descriptor f =
    f.closed <- true;
    ignore (sock_close f.fd)

  (* The descriptor goes first: whatever fails after (memory), the socket
     is not leaked. *)
  let close_now f =
    if not f.closed then begin
      close_descriptor f;
      f.on_close f;
      Ucaml_os.Io.release f.fd
    end

  let close f = close_now f; Lwt.return_unit

  let new_flow fd =
    let b = Bytes.create 6 in
    let dst = if endpoint fd true b = 0 then decode_endpoint b else (Ipaddr.any, 0) in
    { fd; dst; closed = false; read_shut = false; write_shut = false; waiting_since = -1L;
      on_close = ignore }

  let create_connection ?keepalive:_ _t (ip, port) =
    let fd = tcp_connect ip port in
    if fd < 0 then Lwt.return (Error (error_of_code fd))
    else
      Ucaml_os.Io.writable fd >>= fun () ->
      let r = connect_result fd in
      if r = 0 then Lwt.return (Ok (new_flow fd))
      else begin
        ignore (sock_close fd);
        Lwt.return (Error (error_of_code r))
      end

  (* The connection of [l] whose read has waited longest, if it has waited
     at least [min_ns]. *)
  let idlest l ~min_ns =
    let now = Ucaml_dev.monotonic_ns () in
    Hashtbl.fold
      (fun _ f best ->
        if f.waiting_since < 0L || Int64.compare (Int64.sub now f.waiting_since) min_ns < 0 then best
        else match best with
          | Some b when Int64.compare b.waiting_since f.waiting_since <= 0 -> best
          | _ -> Some f)
      l.flows None

  let evict_idlest l ~min_ns =
    match idlest l ~min_ns with Some f -> close_now f; true | None -> false

  (* Memory has stayed exhausted: every connection is closed and forgotten
     (its waiters dropped, not woken), which frees what they held; nothing
     here allocates. *)
  let drop_all l =
    Hashtbl.filter_map_inplace
      (fun fd f ->
        if not f.closed then (close_descriptor f; Ucaml_os.Io.forget fd);
        None)
      l.flows

  (* Closes the connections idle longer than the timeout. *)
  let close_idle t l =
    let now = Ucaml_dev.monotonic_ns () in
    let idle =
      Hashtbl.fold
        (fun _ f acc ->
          if f.waiting_since >= 0L && Int64.compare (Int64.sub now f.waiting_since) t.idle_timeout_ns >= 0
          then f :: acc else acc)
        l.flows []
    in
    List.iter close_now idle

  let rec sweep t l =
    if l.stopped then Lwt.return_unit
    else Ucaml_os.Time.sleep_ns 1_000_000_000L >>= fun () -> close_idle t l; sweep t l

  (* Runs the callback of one connection; the flow is closed when it ends,
     whatever happens, so that no descriptor leaks.  What the callback
     raises follows Ucaml_os.Main's policy for asynchronous exceptions (by
     default: logged; Out_of_memory first closes idle connections): the
     other connections and the listener go on. *)
  let serve callback f =
    Lwt.async (fun () ->
        Lwt.finalize
          (fun () -> Lwt.catch (fun () -> callback f) (fun e -> Ucaml_os.Main.async_exception e; Lwt.return_unit))
          (fun () -> close f))

  let start_flow l callback fd =
    match new_flow fd with
    | exception e -> ignore (sock_close fd); raise e
    | f ->
      Hashtbl.replace l.flows fd f;
      f.on_close <- (fun f -> Hashtbl.remove l.flows f.fd);
      serve callback f

  let too_many = Ucaml_dev.code_of_error Ucaml_dev.Too_many

  let open_connections t = Hashtbl.fold (fun _ l n -> n + Hashtbl.length l.flows) t.listeners 0

  (* Whether the heap has room for one more connection.  Its connections
     may take half the heap at most: a burst of them is accepted before
     any has allocated what its requests will need, so the headroom alone
     would let in hundreds that then fill the heap together.  Then the
     headroom: the cheap estimate, else (at most every 200 ms) the exact
     figure after a full collection. *)
  let room_for_connection t =
    (open_connections t + 1) * t.memory_per_connection <= Ucaml_os.Memory.capacity () / 2
    && (Ucaml_os.Memory.headroom () >= t.memory_per_connection
        ||
        let now = Ucaml_dev.monotonic_ns () in
        Int64.compare (Int64.sub now t.last_full_check) 200_000_000L >= 0
        && begin
          t.last_full_check <- now;
          Ucaml_os.Memory.headroom ~full:true () >= t.memory_per_connection
        end)

  (* Accepts the pending connections there is room for; says what to wait
     for next.  A loop in one try: a failure (memory) closes the descriptor
     just accepted and backs off, it never ends the listener. *)
  let accept_pending t l callback =
    let rec go () =
      if l.stopped then `Stopped
      else if Hashtbl.length l.flows >= t.max_connections && not (evict_idlest l ~min_ns:evict_after_ns)
      then `Slot
      else if not (room_for_connection t) then begin
        ignore (evict_idlest l ~min_ns:evict_after_ns);
        `Slot
      end
      else
        let fd = tcp_accept l.lfd in
        if fd >= 0 then (start_flow l callback fd; go ())
        else if fd = again then `Readable
        else if fd = too_many then
          (* Out of descriptors: the idlest connection goes, or we wait. *)
          if evict_idlest l ~min_ns:0L then go () else `Slot
        else go ()   (* the peer gave up before we accepted *)
    in
    try go () with e -> Ucaml_os.Main.async_exception e; `Backoff

  let rec accept_loop t l callback =
    match accept_pending t l callback with
    | `Stopped -> Lwt.return_unit
    | `Readable -> Ucaml_os.Io.readable l.lfd >>= fun () -> accept_loop t l callback
    | `Slot -> Ucaml_os.Time.sleep_ns 20_000_000L >>= fun () -> accept_loop t l callback
    | `Backoff -> Ucaml_os.Time.sleep_ns 10_000_000L >>= fun () -> accept_loop t l callback

  (* Restarted if anything makes it fail: a listener never dies. *)
  let rec supervise t l callback =
    Lwt.catch (fun () -> accept_loop t l callback)
      (fun e ->
        Ucaml_os.Main.async_exception e;
        Ucaml_os.Time.sleep_ns 10_000_000L >>= fun () -> supervise t l callback)

  let listen t ~port ?keepalive:_ callback =
    let lfd = tcp_listen t.ip port 128 in
    if lfd < 0 then raise (device_error (Printf.sprintf "TCP listen on port %d" port) lfd);
    let l = { lfd; stopped = false; flows = Hashtbl.create 16 } in
    Hashtbl.replace t.listeners port l;
    Ucaml_os.Memory.on_pressure (fun ~severe -> if severe then drop_all l else ignore (evict_idlest l ~min_ns:0L));
    Lwt.async (fun () -> supervise t l callback);
    Lwt.async (fun () -> sweep t l)

  let unlisten t ~port =
    match Hashtbl.find_opt t.listeners port with
    | None -> ()
    | Some l ->
      Hashtbl.remove t.listeners port;
      l.stopped <- true;
      Ucaml_os.Io.release l.lfd;
      ignore (sock_close l.lfd)

  (* The port a listener is bound to (useful after listening on port 0). *)
  let listening_port t ~port =
    match Hashtbl.find_opt t.listeners port with
    | None -> None
    | Some l ->
      let b = Bytes.create 6 in
      if endpoint l.lfd false b = 0 then Some (snd (decode_endpoint b)) else None
end

module Udp = struct
  type ipaddr = Ipaddr.t
  type error = Ucaml_dev.error

  let pp_error ppf e = Format.pp_print_string ppf (Ucaml_dev.error_message e)

  type callback = src:ipaddr -> dst:ipaddr -> src_port:int -> Cstruct.t -> unit Lwt.t
  type listener = { fd : int; mutable stopped : bool }
  type t = { ip : ipaddr; listeners : (int, listener) Hashtbl.t; mutable sender : int }

  let create ip = { ip; listeners = Hashtbl.create 4; sender = -1 }

  let stop l =
    l.stopped <- true;
    Ucaml_os.Io.release l.fd;
    ignore (sock_close l.fd)

  let disconnect t =
    Hashtbl.iter (fun _ l -> stop l) t.listeners;
    Hashtbl.reset t.listeners;
    if t.sender >= 0 then ignore (sock_close t.sender);
    t.sender <- -1;
    Lwt.return_unit

  let max_datagram = 2048

  (* As TCP reads: received into one shared buffer, kept at their size.
     Made at the first datagram: a unikernel without UDP keeps 2 KB. *)
  let scratch = lazy (Cstruct.create_unsafe max_datagram)

  let rec receive_loop t l callback =
    if l.stopped then Lwt.return_unit
    else begin
      let src = Bytes.create 6 in
      let scratch = Lazy.force scratch in
      let n = udp_recvfrom l.fd scratch.Cstruct.buffer 0 max_datagram src in
      if n = again then Ucaml_os.Io.readable l.fd >>= fun () -> receive_loop t l callback
      else begin
        (if n >= 0 then begin
           let src, src_port = decode_endpoint src in
           let data = Cstruct.create_unsafe n in
           Cstruct.blit scratch 0 data 0 n;
           Lwt.async (fun () ->
               Lwt.catch (fun () -> callback ~src ~dst:t.ip ~src_port data)
                 (fun _ -> Lwt.return_unit))
         end);
        receive_loop t l callback
      end
    end

  let listen t ~port callback =
    let fd = udp_bind t.ip port in
    if fd < 0 then raise (device_error (Printf.sprintf "UDP bind on port %d" port) fd);
    let l = { fd; stopped = false } in
    Hashtbl.replace t.listeners port l;
    Lwt.async (fun () -> receive_loop t l callback)

  let unlisten t ~port =
    match Hashtbl.find_opt t.listeners port with
    | None -> ()
    | Some l -> Hashtbl.remove t.listeners port; stop l

  (* From a listener's socket when [src_port] names one, else from an
     ephemeral port bound on first use. *)
  let sending_socket t src_port =
    match Option.bind src_port (Hashtbl.find_opt t.listeners) with
    | Some l -> Ok l.fd
    | None ->
      if t.sender < 0 then t.sender <- udp_bind Ipaddr.any 0;
      if t.sender < 0 then
        let e = Ucaml_dev.error_of_code t.sender in
        (t.sender <- -1; Error e)
      else Ok t.sender

  let write ?src:_ ?src_port ?ttl:_ ~dst ~dst_port t buf =
    match sending_socket t src_port with
    | Error e -> Lwt.return (Error e)
    | Ok fd ->
      let to_ = encode_endpoint (dst, dst_port) in
      retry ~wait:(fun () -> Ucaml_os.Io.writable fd)
        (fun () -> udp_sendto fd buf.Cstruct.buffer buf.Cstruct.off buf.Cstruct.len to_)
      >>= fun n -> Lwt.return (if n >= 0 then Ok () else Error (Ucaml_dev.error_of_code n))
end

module Stack = struct
  module TCP = Tcp
  module UDP = Udp

  type t = { tcp : Tcp.t; udp : Udp.t }

  (* [ip]: the address to listen on (default: all of the host's). *)
  let connect ?(ip = Ipaddr.any) () = Lwt.return { tcp = Tcp.create ip; udp = Udp.create ip }
  let tcp t = t.tcp
  let udp t = t.udp

  let disconnect t = Tcp.disconnect t.tcp >>= fun () -> Udp.disconnect t.udp

  (* Serves the listeners registered so far, forever (as Mirage's). *)
  let listen _ = fst (Lwt.wait ())
end
