(* A static-file HTTP/1.1 server (keep-alive included, cohttp-lwt) serving
   the files of a read-only key-value store over TCP. *)

let ( >>= ) = Lwt.bind

module Http (C : Mirage_console.S) (S : Tcpip.Stack.V4V6) (K : Mirage_kv.RO) = struct
  module IO = Flow_io.Make (S.TCP)
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

  let respond_file kv meth uri =
    let path, key = key_of_path (Uri.pct_decode (Uri.path uri)) in
    K.get kv key >>= function
    | Ok body ->
      let headers =
        Cohttp.Header.of_list
          [ ("content-type", content_type path); ("server", "ucaml");
            ("content-length", string_of_int (String.length body)) ]
      in
      let body = if meth = `HEAD then `Empty else `String body in
      Server.respond ~headers ~status:`OK ~body ()
    | Error _ -> Server.respond_not_found ~uri ()

  let callback kv _conn req _body =
    let meth = Cohttp.Request.meth req in
    match meth with
    | `GET | `HEAD -> respond_file kv meth (Cohttp.Request.uri req)
    | _ -> Server.respond_string ~status:`Method_not_allowed ~body:"method not allowed\n" ()

  let start ?(port = 8080) c stack kv =
    let spec = Server.make ~callback:(callback kv) () in
    S.TCP.listen (S.tcp stack) ~port (fun flow ->
        let ic, oc = IO.channels flow in
        Server.callback spec flow ic oc);
    C.log c (Printf.sprintf "http: listening on port %d" port) >>= fun () ->
    S.listen stack
end
