(* The HTTP example whose store runs out of memory on /oom (it allocates
   until Out_of_memory): that request gets a 503 and its connection
   closes, the server answers the next ones.  Argument: the port (8080). *)

module Store = struct
  include Htdocs

  let size kv k =
    if Mirage_kv.Key.to_string k = "/oom" then begin
      let rec grow acc = grow (Array.make 100 0 :: acc) in
      grow []
    end
    else Htdocs.size kv k
end

module U = Unikernel.Http (Ucaml_os.Console) (Ucaml_os.Time) (Ucaml_os.Mclock) (Ucaml_net.Stack) (Store)

let () =
  let port = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 8080 in
  Ucaml_os.Main.run
    (Lwt.bind (Ucaml_os.Console.connect "console") (fun c ->
         Lwt.bind (Ucaml_net.Stack.connect ~ip:Ucaml_net.Ipaddr.localhost ()) (fun stack ->
             Lwt.bind (Htdocs.connect ()) (fun () -> U.start ~port c stack ()))))
