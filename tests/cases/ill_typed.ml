(* Ill-typed values made with Obj.magic must raise, not crash the VM:
   a match outside the type's constructors, a call of a non-function,
   field access on an immediate or past a block's end.  ocamlrun crashes
   here; ucaml raises Invalid_argument (expected output). *)
type t = A | B | C of int | D of string
let f (x : t) = match x with A -> "a" | B -> "b" | C n -> string_of_int n | D s -> s
let try_ name g = try print_endline (name ^ ": " ^ g ()) with Invalid_argument m -> print_endline (name ^ ": " ^ m)
let () =
  List.iter (fun n ->
      try_ "match int" (fun () -> f (Obj.magic n : t));
      try_ "call" (fun () -> let g : int -> int = Obj.magic n in string_of_int (g 1));
      try_ "get field" (fun () -> let r : int ref = Obj.magic n in string_of_int !r);
      try_ "set field" (fun () -> let r : int ref = Obj.magic n in r := 3; "set"))
    [2; 1000; -5; max_int; min_int];
  try_ "match tag" (fun () -> f (Obj.magic (Obj.new_block 7 1) : t));
  try_ "field past the end" (fun () -> let r : int * int * int = Obj.magic (ref 0) in let (_, _, z) = r in string_of_int z);
  try_ "call a block" (fun () -> let g : int -> int = Obj.magic (ref 0) in string_of_int (g 1));
  try_ "call a string" (fun () -> let g : int -> int = Obj.magic "abc" in string_of_int (g 1));
  try_ "register a non-string name" (fun () -> Callback.register (Obj.magic 5 : string) 0; "registered");
  (* well-typed uses of the same instructions are unaffected *)
  try_ "well typed" (fun () -> f (C 42) ^ f (D "!") ^ f A)
