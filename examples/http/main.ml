(* The http unikernel wired to this port's console, network stack and the
   crunched store Htdocs (from htdocs/, see ucaml.crunch).
   Arguments: port (default 8080), address to listen on (default 127.0.0.1). *)

module U = Unikernel.Http (Ucaml_os.Console) (Ucaml_net.Stack) (Htdocs)

let arg i default = if Array.length Sys.argv > i then Sys.argv.(i) else default

let () =
  let port = int_of_string (arg 1 "8080") in
  let ip = Ucaml_net.Ipaddr.of_string_exn (arg 2 "127.0.0.1") in
  Ucaml_os.Main.run
    (Lwt.bind (Ucaml_os.Console.connect "console") (fun c ->
         Lwt.bind (Ucaml_net.Stack.connect ~ip ()) (fun stack ->
             Lwt.bind (Htdocs.connect ()) (U.start ~port c stack))))
