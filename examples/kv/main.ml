(* The kv unikernel wired to this port's console and the crunched store
   Files (generated from files/ by the build, see ucaml.crunch). *)

module U = Unikernel.Kv (Ucaml_os.Console) (Files)

let () =
  Ucaml_os.Main.run
    (Lwt.bind (Ucaml_os.Console.connect "console") (fun c ->
         Lwt.bind (Files.connect ()) (U.start c)))
