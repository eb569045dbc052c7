(* Writing to a pipe nobody reads raises Sys_error (SIGPIPE is ignored):
   the runner pipes stdout into a command that exits at once. *)
let () =
  let line = String.make 1000 'x' in
  match
    for _ = 1 to 100_000 do print_endline line done
  with
  | () -> prerr_endline "no error"
  | exception Sys_error msg -> prerr_endline ("caught Sys_error: " ^ msg)
