(* Fills the heap until Out_of_memory, recovers, and goes on working.
   The huge sizes stay below Sys.max_array_length and Sys.max_string_length
   of 32-bit words, so that they fail for lack of memory everywhere. *)
let rec grow acc n = grow (n :: acc) (n + 1)

let attempt () =
  match grow [] 0 with
  | _ -> print_endline "impossible"
  | exception Out_of_memory -> print_endline "caught Out_of_memory"

let () =
  attempt ();
  attempt ();
  let big = try Some (Array.make 4_000_000 0) with Out_of_memory -> None in
  print_endline (if big = None then "huge array refused" else "huge array allocated");
  let s = try Some (Bytes.create 15_000_000) with Out_of_memory -> None in
  print_endline (if s = None then "huge string refused" else "huge string allocated");
  let l = List.init 1000 (fun i -> i) in
  Printf.printf "still alive: %d\n" (List.fold_left ( + ) 0 l)
