(* The http unikernel wired to this port's console, network stack and the
   crunched store Htdocs (from htdocs/, see ucaml.crunch).
   Arguments: port (default 8080), address to listen on (default
   127.0.0.1), seconds to serve before exiting (default: forever). *)

let ( >>= ) = Lwt.bind

module U = Unikernel.Http (Ucaml_os.Console) (Ucaml_os.Time) (Ucaml_os.Mclock) (Ucaml_net.Stack) (Htdocs)

let arg i = if Array.length Sys.argv > i then Some Sys.argv.(i) else None

let () =
  let port = int_of_string (Option.value (arg 1) ~default:"8080") in
  let ip = Ucaml_net.Ipaddr.of_string_exn (Option.value (arg 2) ~default:"127.0.0.1") in
  let serve =
    Ucaml_os.Console.connect "console" >>= fun c ->
    Ucaml_net.Stack.connect ~ip () >>= fun stack ->
    Htdocs.connect () >>= fun () -> U.start ~port c stack ()
  in
  let stop =
    match arg 3 with
    | None -> []
    | Some s -> [ Ucaml_os.Time.sleep_ns (Int64.of_float (float_of_string s *. 1e9)) ]
  in
  Ucaml_os.Main.run (Lwt.pick (serve :: stop))
