(* The backtracking stack of a match is bounded by the heap's size: beyond
   it the match raises Out_of_memory, and Str goes on working. *)
let deep = Str.regexp "\\(\\(a\\|b\\)*\\)x"

let attempt len =
  let s = String.make len 'a' in
  match Str.string_match deep s 0 with
  | b -> Printf.printf "%d: %b\n" len b
  | exception Out_of_memory -> Printf.printf "%d: Out_of_memory\n" len

let () =
  attempt 100_000;
  attempt 100_000;
  attempt 1_000;
  Printf.printf "still works: %S\n" (Str.global_replace (Str.regexp "a\\(b*\\)") "<\\1>" "xabbyaz")
