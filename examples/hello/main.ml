(* The hello unikernel wired to this port's devices.  Arguments: number of
   ticks, milliseconds between them. *)

module U = Unikernel.Hello (Ucaml_os.Console) (Ucaml_os.Time) (Ucaml_os.Mclock) (Ucaml_os.Pclock)

let arg i default =
  if Array.length Sys.argv > i then int_of_string Sys.argv.(i) else default

let () =
  let ticks = arg 1 4 and interval_ms = arg 2 250 in
  Ucaml_os.Main.run (Lwt.bind (Ucaml_os.Console.connect "console") (U.start ~ticks ~interval_ms))
