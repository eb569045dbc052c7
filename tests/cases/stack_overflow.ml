(* Runaway recursion raises Stack_overflow, which the program survives. *)
let rec depth n = 1 + depth (n + 1)

let () =
  for _ = 1 to 3 do
    match depth 0 with
    | _ -> print_endline "impossible"
    | exception Stack_overflow -> print_endline "caught Stack_overflow"
  done;
  print_endline "done"
