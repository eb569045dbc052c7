(* The unikernel's operating system: the main loop that drives Lwt through
   the port's one blocking wait, and the basic devices (time, clocks,
   entropy, console).  Same code on every port. *)

let ( >>= ) = Lwt.bind

(* ---- Readiness of descriptors ---- *)

module Io = struct
  type waiters = {
    fd : int;
    mutable readers : unit Lwt.u list;
    mutable writers : unit Lwt.u list;
  }

  let table : (int, waiters) Hashtbl.t = Hashtbl.create 64

  let waiters fd =
    match Hashtbl.find_opt table fd with
    | Some w -> w
    | None ->
      let w = { fd; readers = []; writers = [] } in
      Hashtbl.replace table fd w;
      w

  let forget_if_idle w =
    if w.readers = [] && w.writers = [] && Hashtbl.find_opt table w.fd == Some w then
      Hashtbl.remove table w.fd

  let wait fd ~write =
    let p, u = Lwt.task () in
    let w = waiters fd in
    if write then w.writers <- u :: w.writers else w.readers <- u :: w.readers;
    Lwt.on_cancel p (fun () ->
        w.readers <- List.filter (( != ) u) w.readers;
        w.writers <- List.filter (( != ) u) w.writers;
        forget_if_idle w);
    p

  (* Resolved when [fd] can be read (or has failed) / written. *)
  let readable fd = wait fd ~write:false
  let writable fd = wait fd ~write:true

  (* Where an exception raised while waking a waiter goes (Main's policy):
     the other waiters are woken all the same. *)
  let report : (exn -> unit) ref = ref (fun _ -> ())

  let wake us = List.iter (fun u -> try Lwt.wakeup u () with e -> !report e) (List.rev us)

  (* Wakes every waiter of [fd], which is about to be closed: they retry and
     see the closed flow. *)
  let release fd =
    match Hashtbl.find_opt table fd with
    | None -> ()
    | Some w ->
      Hashtbl.remove table fd;
      let rs = w.readers and ws = w.writers in
      w.readers <- [];
      w.writers <- [];
      wake rs;
      wake ws

  (* Drops the waiters of [fd] (closed) without waking them: what only they
     kept alive can be collected.  Allocates nothing. *)
  let forget fd = Hashtbl.remove table fd

  let is_empty () = Hashtbl.length table = 0

  (* [| fd; events; ... |] for Ucaml_dev.wait. *)
  let poll_set () =
    let a = Array.make (2 * Hashtbl.length table) 0 in
    let i = ref 0 in
    Hashtbl.iter
      (fun fd w ->
        a.(!i) <- fd;
        a.(!i + 1) <- (if w.readers <> [] then Ucaml_dev.readable else 0)
                      lor (if w.writers <> [] then Ucaml_dev.writable else 0);
        i := !i + 2)
      table;
    a

  let dispatch ready =
    for i = 0 to (Array.length ready / 2) - 1 do
      let fd = ready.(2 * i) and ev = ready.((2 * i) + 1) in
      match Hashtbl.find_opt table fd with
      | Some w when ev <> 0 ->
        let rs = if ev land Ucaml_dev.readable <> 0 then w.readers else [] in
        let ws = if ev land Ucaml_dev.writable <> 0 then w.writers else [] in
        if rs <> [] then w.readers <- [];
        if ws <> [] then w.writers <- [];
        forget_if_idle w;
        wake rs;
        wake ws
      | _ -> ()
    done
end

(* ---- Timers and the main loop ---- *)

let timers = Ucaml_timers.create ()

exception Deadlock

let () =
  Printexc.register_printer (function
    | Deadlock -> Some "Ucaml_os.Main.run: the program waits for nothing (no timer, no I/O) and can never wake up"
    | _ -> None)

(* ---- Memory pressure ----
   Out_of_memory that reaches the main loop, an asynchronous thread or a
   connection's callback means the heap is full of live data: the devices
   that hold memory on behalf of peers (a server's idle connections) are
   asked to let some go, so that the next allocation can succeed. *)

module Memory = struct
  (* [severe]: memory has stayed exhausted (the main loop failed to
     allocate ten times in a row): let go of everything that can be let go
     of, without allocating. *)
  let handlers : (severe:bool -> unit) list ref = ref []
  let on_pressure f = handlers := f :: !handlers
  let pressure ?(severe = false) () = List.iter (fun f -> try f ~severe with _ -> ()) !handlers

  external headroom_prim : bool -> int = "ucaml_dev_heap_headroom"

  (* Bytes the program can surely still allocate (fragmentation aside);
     with [~full:true], after a complete collection (exact, but costs a
     full mark of the heap). *)
  let headroom ?(full = false) () = headroom_prim full

  external capacity_prim : unit -> int = "ucaml_dev_heap_capacity"

  (* Bytes the major heap can hold at most. *)
  let capacity () = capacity_prim ()
end

module Main = struct
  (* What becomes of an exception that escapes an asynchronous thread
     (Lwt.async, Lwt.dont_wait, a callback given to Lwt.on_* ...), the
     callback of a connection (Ucaml_net), or the main loop's own work:
     - [`Log] (the default): printed on stderr (the console), and the
       program goes on; Out_of_memory first relieves memory pressure.
       At most [log_burst] lines a second, the others counted.
     - [`Exit]: printed, then the program exits with status 2 (Lwt's
       default, for programs that prefer to stop and be restarted).
     - [`Call f]: given to [f] (after relieving memory pressure).
     Exceptions raised by the promise given to [run] are that promise's
     result: [run] raises them. *)
  type async_policy = [ `Log | `Exit | `Call of exn -> unit ]

  let policy : async_policy ref = ref `Log
  let set_async_exception_policy p = policy := p

  let log_burst = 5
  let window_start = ref 0L
  let logged = ref 0
  let suppressed = ref 0

  (* No allocation for the two exceptions that come from running out. *)
  let print e =
    match e with
    | Out_of_memory -> prerr_string "ucaml: out of memory in an asynchronous thread; the program goes on\n"
    | Stack_overflow -> prerr_string "ucaml: stack overflow in an asynchronous thread; the program goes on\n"
    | e ->
      prerr_string "ucaml: exception in an asynchronous thread: ";
      prerr_string (Printexc.to_string e);
      prerr_string "; the program goes on\n"

  let log e =
    let now = Ucaml_dev.monotonic_ns () in
    if Int64.compare (Int64.sub now !window_start) 1_000_000_000L >= 0 then begin
      window_start := now;
      logged := 0;
      if !suppressed > 0 then begin
        prerr_string ("ucaml: (" ^ string_of_int !suppressed ^ " more such messages)\n");
        suppressed := 0
      end
    end;
    if !logged < log_burst then (incr logged; print e) else incr suppressed;
    flush stderr

  let async_exception e =
    if e = Out_of_memory then Memory.pressure ();
    match !policy with
    | `Log -> (try log e with _ -> ())
    | `Exit ->
      (try prerr_string "ucaml: exception in an asynchronous thread: ";
         prerr_endline (Printexc.to_string e) with _ -> ());
      exit 2
    | `Call f -> (try f e with e' -> (try log e' with _ -> ()))

  let () =
    Lwt.async_exception_hook := async_exception;
    Io.report := async_exception

  (* Blocks in the port until the next timer or ready descriptor; returns at
     once when promises are paused (Lwt.pause). *)
  let idle () =
    let deadline =
      if Lwt.paused_count () > 0 then 0L
      else match Ucaml_timers.next_deadline timers with Some d -> d | None -> -1L
    in
    let fds = Io.poll_set () in
    if Int64.compare deadline 0L < 0 && Array.length fds = 0 then raise Deadlock;
    if Ucaml_dev.wait fds deadline > 0 then Io.dispatch fds

  let failures_in_a_row = ref 0

  let recover e =
    if e = Out_of_memory then begin
      incr failures_in_a_row;
      if !failures_in_a_row >= 10 then (failures_in_a_row := 0; Memory.pressure ~severe:true ())
    end;
    async_exception e;
    if e = Out_of_memory then
      ignore (Ucaml_dev.wait [||] (Int64.add (Ucaml_dev.monotonic_ns ()) 1_000_000L))

  (* One piece of the loop's work; what escapes it (but Deadlock) follows
     the policy above.  After running out of memory the loop waits a
     millisecond: the pressure handlers and timers get to free some before
     the next attempt, and the loop does not spin.  Out of memory again
     while recovering: tried again next turn. *)
  let guarded f =
    try f (); failures_in_a_row := 0 with
    | Deadlock -> raise Deadlock
    | e -> (try recover e with Out_of_memory | Stack_overflow -> ())

  let wake_up () =
    Lwt.wakeup_paused ();
    ignore (Ucaml_timers.run_due timers (Ucaml_dev.monotonic_ns ()))

  let run t =
    let rec loop () =
      guarded wake_up;
      match Lwt.state t with
      | Lwt.Return v -> v
      | Lwt.Fail e -> raise e
      | Lwt.Sleep ->
        guarded idle;
        loop ()
    in
    loop ()
end

(* ---- Time and clocks ---- *)

module Time = struct
  let sleep_ns ns =
    let p, u = Lwt.task () in
    let deadline = Int64.add (Ucaml_dev.monotonic_ns ()) (max 0L ns) in
    let e = Ucaml_timers.add timers deadline (fun () -> Lwt.wakeup u ()) in
    Lwt.on_cancel p (fun () -> Ucaml_timers.cancel timers e);
    p
end

module Mclock = struct
  let elapsed_ns = Ucaml_dev.monotonic_ns
  let period_ns () = None
end

module Pclock = struct
  let ps_per_s = 1_000_000_000_000L

  let now_d_ps () =
    let s, ns, _ = Ucaml_dev.wall_clock () in
    let days = Int64.div s 86400L and rem = Int64.rem s 86400L in
    (Int64.to_int days, Int64.add (Int64.mul rem ps_per_s) (Int64.mul (Int64.of_int ns) 1000L))

  let current_tz_offset_s () = None
  let period_d_ps () = None

  (* Whether the clock was set (false: it counts from boot). *)
  let is_set () = let _, _, set = Ucaml_dev.wall_clock () in set
end

(* ---- Entropy ---- *)

module Random = struct
  type g = unit

  let bytes n =
    let b = Bytes.create n in
    let secure = Ucaml_dev.entropy b in
    (b, secure)

  let generate ?g:_ n = Cstruct.of_bytes (fst (bytes n))

  (* false on ports whose entropy is a seeded generator (emulators). *)
  let is_secure () = snd (bytes 1)
end

(* ---- Console ---- *)

module Console = struct
  type t = { name : string; mutable read_open : bool; mutable write_open : bool }
  type flow = t
  type error = Ucaml_dev.error

  let pp_error ppf e = Format.pp_print_string ppf (Ucaml_dev.error_message e)

  type write_error = Mirage_flow.write_error

  let pp_write_error = Mirage_flow.pp_write_error
  let connect name = Lwt.return { name; read_open = true; write_open = true }
  let name t = t.name
  let disconnect _ = Lwt.return_unit

  let write t buf =
    if not t.write_open then Lwt.return (Error `Closed)
    else begin
      print_string (Cstruct.to_string buf);
      flush stdout;
      Lwt.return (Ok ())
    end

  let writev t bufs = write t (Cstruct.concat bufs)

  let read t =
    if not t.read_open then Lwt.return (Ok `Eof)
    else
      Io.readable 0 >>= fun () ->
      let b = Bytes.create 512 in
      let n = input stdin b 0 512 in
      Lwt.return (Ok (if n = 0 then `Eof else `Data (Cstruct.of_bytes ~len:n b)))

  let log _ s =
    print_endline s;
    Lwt.return_unit

  let shutdown t mode =
    (match mode with
     | `read -> t.read_open <- false
     | `write -> t.write_open <- false
     | `read_write -> t.read_open <- false; t.write_open <- false);
    Lwt.return_unit

  let close t = shutdown t `read_write
end
