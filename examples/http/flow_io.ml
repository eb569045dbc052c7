(* Buffered channels over any Mirage flow, as the I/O module cohttp-lwt's
   server is built on (Cohttp_lwt.S.IO): this is how a cohttp server runs
   over a MirageOS-style TCP flow. *)

let ( >>= ) = Lwt.bind

module Make (F : Mirage_flow.S) = struct
  type 'a t = 'a Lwt.t

  let ( >>= ) = ( >>= )
  let return = Lwt.return

  type ic = { flow : F.flow; mutable pending : Cstruct.t; mutable eof : bool }
  (* Writes are buffered and sent by [flush], or one turn of the main loop
     later (as Lwt_io channels do), so that nothing stays unsent; the lock
     keeps two sends on a flow from interleaving. *)
  type oc = { out : F.flow; buf : Buffer.t; lock : Lwt_mutex.t; mutable flush_pending : bool }
  type conn = F.flow

  exception Read_failed of F.error
  exception Write_failed of F.write_error

  type error = exn

  (* The output buffer starts small (headers and a small page fit) and is
     shrunk back after each send ([Buffer.reset]): on a microcontroller,
     memory held per connection is what limits the connections. *)
  let channels flow =
    ({ flow; pending = Cstruct.empty; eof = false }, { out = flow; buf = Buffer.create 512; lock = Lwt_mutex.create (); flush_pending = false })

  (* Makes sure some input is pending, unless at end of input. *)
  let fill ic =
    if Cstruct.length ic.pending > 0 || ic.eof then Lwt.return_unit
    else
      F.read ic.flow >>= function
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

  (* A line ends with LF, its CR (if any) dropped. *)
  let read_line ic =
    let line = Buffer.create 80 in
    let rec scan () =
      fill ic >>= fun () ->
      let len = Cstruct.length ic.pending in
      if len = 0 then Lwt.return (if Buffer.length line = 0 then None else Some (Buffer.contents line))
      else
        match index_of_newline ic.pending with
        | Some i ->
          Buffer.add_string line (take ic i);
          ignore (take ic 1);
          let l = Buffer.contents line in
          let n = String.length l in
          Lwt.return (Some (if n > 0 && l.[n - 1] = '\r' then String.sub l 0 (n - 1) else l))
        | None ->
          Buffer.add_string line (take ic len);
          scan ()
    in
    scan ()

  let send oc =
    if Buffer.length oc.buf = 0 then Lwt.return_unit
    else begin
      let data = Cstruct.of_string (Buffer.contents oc.buf) in
      Buffer.reset oc.buf;
      F.write oc.out data >>= function
      | Ok () -> Lwt.return_unit
      | Error e -> Lwt.fail (Write_failed e)
    end

  let flush oc = Lwt_mutex.with_lock oc.lock (fun () -> send oc)

  let auto_flush oc =
    oc.flush_pending <- true;
    Lwt.async (fun () ->
        Lwt.pause () >>= fun () ->
        oc.flush_pending <- false;
        Lwt.catch (fun () -> flush oc) (fun _ -> Lwt.return_unit))

  (* A large string (a file's body) is not copied into the buffer: it is
     sent at once, after what is buffered, a chunk at a time, so that it
     costs the heap one chunk more than the string itself. *)
  let chunk = 4096

  let write_large oc s =
    Lwt_mutex.with_lock oc.lock (fun () ->
        send oc >>= fun () ->
        let len = String.length s in
        let rec from off =
          if off >= len then Lwt.return_unit
          else
            let n = min chunk (len - off) in
            F.write oc.out (Cstruct.of_string ~off ~len:n s) >>= function
            | Ok () -> from (off + n)
            | Error e -> Lwt.fail (Write_failed e)
        in
        from 0)

  let write oc s =
    if String.length s > chunk then write_large oc s
    else begin
      Buffer.add_string oc.buf s;
      if not oc.flush_pending then auto_flush oc;
      Lwt.return_unit
    end

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
