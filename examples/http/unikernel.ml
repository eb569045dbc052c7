(* A static-file HTTP/1.1 server (keep-alive included, cohttp-lwt) serving
   the files of a read-only key-value store over TCP.

   Built to be left on a network: a file is streamed from the store a chunk
   at a time (a file in flash is served whatever the heap looks like); a
   request head that is too long or too slow is answered 414/431/408 and
   its connection closed (Flow_io.limits); a request that runs out of
   memory is answered 503 if nothing of its response has been sent, and
   only its connection closes. *)

let ( >>= ) = Lwt.bind

module Http
    (C : Mirage_console.S) (T : Mirage_time.S) (M : Mirage_clock.MCLOCK)
    (S : Tcpip.Stack.V4V6) (K : Mirage_kv.RO) =
struct
  module IO = Flow_io.Make (S.TCP) (T) (M)
  module Server = Cohttp_lwt.Make_server (IO)

  let content_type path =
    match Filename.extension path with
    | ".html" | ".htm" -> "text/html; charset=utf-8"
    | ".css" -> "text/css"
    | ".js" -> "application/javascript"
    | ".txt" -> "text/plain; charset=utf-8"
    | ".json" -> "application/json"
    | ".png" -> "image/png"
    | ".svg" -> "image/svg+xml"
    | _ -> "application/octet-stream"

  let key_of_path path =
    let path = if path = "" || path.[String.length path - 1] = '/' then path ^ "index.html" else path in
    (path, Mirage_kv.Key.v path)

  (* Bodies up to this size are read whole; larger ones are streamed. *)
  let chunk = IO.chunk

  let stream_of kv key size =
    let offset = ref 0 in
    Lwt_stream.from (fun () ->
        if !offset >= size then Lwt.return_none
        else
          K.get_partial kv key ~offset:!offset ~length:(min chunk (size - !offset)) >>= function
          | Ok "" | Error _ -> Lwt.return_none
          | Ok s -> offset := !offset + String.length s; Lwt.return_some s)

  let respond_file kv meth uri =
    let path, key = key_of_path (Uri.pct_decode (Uri.path uri)) in
    K.size kv key >>= function
    | Error _ -> Server.respond_not_found ()
    | Ok size ->
      let headers =
        Cohttp.Header.of_list
          [ ("content-type", content_type path); ("server", "ucaml");
            ("content-length", string_of_int size) ]
      in
      if meth = `HEAD then Server.respond ~headers ~status:`OK ~body:`Empty ()
      else if size > chunk then
        Server.respond ~headers ~status:`OK ~body:(`Stream (stream_of kv key size)) ()
      else
        K.get kv key >>= function
        | Ok body -> Server.respond ~headers ~status:`OK ~body:(`String body) ()
        | Error _ -> Server.respond_not_found ()

  (* What has been written on a connection when its current request came:
     a 503 can still be sent if nothing was written since. *)
  type conn_state = { oc : IO.oc; mutable written_at_request : int }

  let callback kv st _conn req _body =
    st.written_at_request <- IO.written st.oc;
    let meth = Cohttp.Request.meth req in
    match meth with
    | `GET | `HEAD -> respond_file kv meth (Cohttp.Request.uri req)
    | _ -> Server.respond_string ~status:`Method_not_allowed ~body:"method not allowed\n" ()

  (* What the peer still sends is read and dropped for a while (at most
     64 KB, 2 s) before the connection closes: closing with unread input
     would reset the connection and lose the reply on its way. *)
  let linger flow =
    let rec drain left =
      if left <= 0 then Lwt.return_unit
      else
        S.TCP.read flow >>= function
        | Ok (`Data d) -> drain (left - Cstruct.length d)
        | Ok `Eof | Error _ -> Lwt.return_unit
    in
    S.TCP.shutdown flow `write >>= fun () ->
    Lwt.pick [ drain 65536; T.sleep_ns 2_000_000_000L ]

  (* A reply written directly (cohttp's parser has given up), then the
     connection closes. *)
  let refuse flow oc status =
    let reason = Cohttp.Code.string_of_status status in
    let body = reason ^ "\n" in
    Lwt.catch
      (fun () ->
        IO.write oc
          (Printf.sprintf "HTTP/1.1 %s\r\nserver: ucaml\r\nconnection: close\r\ncontent-length: %d\r\n\r\n%s"
             reason (String.length body) body)
        >>= fun () -> IO.flush oc >>= fun () -> linger flow)
      (fun _ -> Lwt.return_unit)

  let serve kv flow =
    let ic, oc = IO.channels flow in
    let st = { oc; written_at_request = -1 } in
    let spec = Server.make ~callback:(callback kv st) () in
    Lwt.catch
      (fun () -> Server.callback spec flow ic oc)
      (function
        | Flow_io.Refused status -> refuse flow oc status
        | Out_of_memory when st.written_at_request = IO.written oc ->
          refuse flow oc `Service_unavailable >>= fun () -> Lwt.fail Out_of_memory
        | e -> Lwt.fail e)

  let start ?(port = 8080) c stack kv =
    S.TCP.listen (S.tcp stack) ~port (serve kv);
    C.log c (Printf.sprintf "http: listening on port %d" port) >>= fun () ->
    S.listen stack
end
