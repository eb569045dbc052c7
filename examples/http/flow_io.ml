(* Buffered channels over any Mirage flow, as the I/O module cohttp-lwt's
   server is built on (Cohttp_lwt.S.IO): this is how a cohttp server runs
   over a MirageOS-style TCP flow.

   A device on a network must bound what one peer can cost it, so the
   input side enforces the limits of a request's head (request line and
   headers): its size, and the time it may take to arrive.  Going over
   raises [Refused status]; the server answers with that status and closes
   the connection (see Unikernel). *)

let ( >>= ) = Lwt.bind

type limits = {
  max_request_line : int;   (* bytes; beyond: 414 URI Too Long *)
  max_head : int;           (* request line and headers, bytes; beyond: 431 *)
  head_timeout_ns : int64;  (* from a head's first byte to its end; beyond: 408 *)
}

(* Small, as fits a microcontroller serving a few KB of headers at most. *)
let default_limits = { max_request_line = 2048; max_head = 4096; head_timeout_ns = 10_000_000_000L }

exception Refused of Cohttp.Code.status_code

module Make (F : Mirage_flow.S) (T : Mirage_time.S) (M : Mirage_clock.MCLOCK) = struct
  type 'a t = 'a Lwt.t

  let ( >>= ) = ( >>= )
  let return = Lwt.return

  type ic = {
    flow : F.flow;
    limits : limits;
    mutable pending : Cstruct.t;
    mutable eof : bool;
    (* The head being read: its bytes so far and its line count (0 between
       requests), and when its first byte came (monotonic ns). *)
    mutable head_bytes : int;
    mutable head_lines : int;
    mutable head_deadline : int64;
  }

  (* Writes are buffered and sent by [flush], or one turn of the main loop
     later (as Lwt_io channels do), so that nothing stays unsent; the lock
     keeps two sends on a flow from interleaving. *)
  type oc = {
    out : F.flow;
    lock : Lwt_mutex.t;
    mutable staging : Cstruct.t;   (* [chunk] bytes once something is written *)
    mutable fill : int;            (* bytes of [staging] waiting to be sent *)
    mutable flush_pending : bool;
    mutable written : int;         (* bytes given to [write] so far *)
  }
  type conn = F.flow

  exception Read_failed of F.error
  exception Write_failed of F.write_error

  type error = exn

  (* The output buffer is taken at the first write and kept for the
     connection: one allocation per connection rather than several per
     send, because on a microcontroller the major heap does not move and
     short-lived large blocks are what fragments it. *)
  let channels ?(limits = default_limits) flow =
    ( { flow; limits; pending = Cstruct.empty; eof = false; head_bytes = 0; head_lines = 0;
        head_deadline = 0L },
      { out = flow; lock = Lwt_mutex.create (); staging = Cstruct.empty; fill = 0;
        flush_pending = false; written = 0 } )

  let in_head ic = ic.head_bytes > 0

  (* A read that must end by the head's deadline. *)
  let read_by_deadline ic =
    if not (in_head ic) then F.read ic.flow
    else
      let left = Int64.sub ic.head_deadline (M.elapsed_ns ()) in
      if Int64.compare left 0L <= 0 then Lwt.fail (Refused `Request_timeout)
      else
        Lwt.pick [ F.read ic.flow; (T.sleep_ns left >>= fun () -> Lwt.fail (Refused `Request_timeout)) ]

  (* Makes sure some input is pending, unless at end of input. *)
  let fill ic =
    if Cstruct.length ic.pending > 0 || ic.eof then Lwt.return_unit
    else
      read_by_deadline ic >>= function
      | Ok (`Data d) -> ic.pending <- d; Lwt.return_unit
      | Ok `Eof -> ic.eof <- true; Lwt.return_unit
      | Error e -> Lwt.fail (Read_failed e)

  let index_of_newline c =
    let n = Cstruct.length c in
    let rec go i = if i >= n then None else if Cstruct.get_char c i = '\n' then Some i else go (i + 1) in
    go 0

  let take ic n =
    let s = Cstruct.to_string ~len:n ic.pending in
    ic.pending <- Cstruct.shift ic.pending n;
    s

  (* A hostile Content-Length can make cohttp ask for a negative count. *)
  let read ic n =
    fill ic >>= fun () ->
    Lwt.return (take ic (max 0 (min n (Cstruct.length ic.pending))))

  (* Counts [n] more bytes of the current head (the first starts it). *)
  let account ic n =
    if n > 0 && not (in_head ic) then
      ic.head_deadline <- Int64.add (M.elapsed_ns ()) ic.limits.head_timeout_ns;
    ic.head_bytes <- ic.head_bytes + n;
    if ic.head_lines = 0 && ic.head_bytes > ic.limits.max_request_line then raise (Refused `Request_uri_too_long);
    if ic.head_bytes > ic.limits.max_head then raise (Refused `Request_header_fields_too_large)

  (* A line ends with LF, its CR (if any) dropped.  An empty line ends a
     head; the next byte starts another. *)
  let end_of_line ic l =
    ic.head_lines <- ic.head_lines + 1;
    if l = "" then (ic.head_bytes <- 0; ic.head_lines <- 0)

  let read_line ic =
    let line = Buffer.create 80 in
    let rec scan () =
      fill ic >>= fun () ->
      let len = Cstruct.length ic.pending in
      if len = 0 then Lwt.return (if Buffer.length line = 0 then None else Some (Buffer.contents line))
      else
        match index_of_newline ic.pending with
        | Some i ->
          account ic (i + 1);
          Buffer.add_string line (take ic i);
          ignore (take ic 1);
          let l = Buffer.contents line in
          let n = String.length l in
          let l = if n > 0 && l.[n - 1] = '\r' then String.sub l 0 (n - 1) else l in
          end_of_line ic l;
          Lwt.return (Some l)
        | None ->
          account ic len;
          Buffer.add_string line (take ic len);
          scan ()
    in
    scan ()

  (* At most [chunk] bytes wait to be sent: a body written piece by piece
     (a file streamed from flash) is sent as it comes, each write waiting
     for the previous send, so a connection holds one chunk, not the body.
     [chunk] is the longest string the minor heap takes (OCaml's
     Max_young_wosize, 256 words, less the string's last byte): the pieces
     a streamed body is read in die young, without touching the major heap. *)
  let chunk = 256 * (Sys.word_size / 8) - 1

  (* Sends what is staged; the caller holds the lock. *)
  let send oc =
    if oc.fill = 0 then Lwt.return_unit
    else
      F.write oc.out (Cstruct.sub oc.staging 0 oc.fill) >>= fun r ->
      oc.fill <- 0;
      match r with Ok () -> Lwt.return_unit | Error e -> Lwt.fail (Write_failed e)

  let flush oc = Lwt_mutex.with_lock oc.lock (fun () -> send oc)

  let auto_flush oc =
    oc.flush_pending <- true;
    Lwt.async (fun () ->
        Lwt.pause () >>= fun () ->
        oc.flush_pending <- false;
        Lwt.catch (fun () -> flush oc) (fun _ -> Lwt.return_unit))

  let stage oc s off len =
    if Cstruct.length oc.staging = 0 then oc.staging <- Cstruct.create_unsafe chunk;
    Cstruct.blit_from_string s off oc.staging oc.fill len;
    oc.fill <- oc.fill + len

  (* [s] from [off], a chunk at a time, through the staging buffer; the
     caller holds the lock and nothing is staged. *)
  let rec send_from oc s off =
    let len = String.length s - off in
    if len <= chunk then (stage oc s off len; Lwt.return_unit)
    else (stage oc s off chunk; send oc >>= fun () -> send_from oc s (off + chunk))

  let written oc = oc.written

  (* Staged at once if it fits and no send is under way; else after the
     staged bytes are sent. *)
  let write oc s =
    oc.written <- oc.written + String.length s;
    let len = String.length s in
    if len = 0 then Lwt.return_unit
    else if oc.fill + len <= chunk && not (Lwt_mutex.is_locked oc.lock) then begin
      stage oc s 0 len;
      if not oc.flush_pending then auto_flush oc;
      Lwt.return_unit
    end else
      Lwt_mutex.with_lock oc.lock (fun () ->
          (if oc.fill + len <= chunk then Lwt.return_unit else send oc) >>= fun () ->
          send_from oc s 0 >>= fun () ->
          if not oc.flush_pending then auto_flush oc;
          Lwt.return_unit)

  let catch f =
    Lwt.catch
      (fun () -> f () >>= fun x -> Lwt.return (Ok x))
      (function
        | (Read_failed _ | Write_failed _) as e -> Lwt.return (Error e)
        | e -> Lwt.fail e)

  let pp_error ppf = function
    | Read_failed e -> F.pp_error ppf e
    | Write_failed e -> F.pp_write_error ppf e
    | e -> Format.pp_print_string ppf (Printexc.to_string e)
end
