(* More ill-typed values (Obj.magic, Obj.set_field) that must raise, not
   crash the VM: array, string and float-field instructions on the wrong
   values or past the end; strings compared, blitted, parsed or used as
   formats when they are not strings or too short; marshalling flags that
   are not a list; closures whose code expects a larger environment or a
   different set of recursive functions; an unmarshalled closure without a
   code pointer (refused).  ocamlrun reads and writes outside the blocks
   here; ucaml raises Invalid_argument (expected output). *)
type r = { x : float; y : float }
let try_ name g = try print_endline (name ^ ": " ^ g ()) with Invalid_argument m -> print_endline (name ^ ": " ^ m)
let int_get (a : int array) i = Array.unsafe_get a i
let int_set (a : int array) i v = Array.unsafe_set a i v
let mk3 x y z = Sys.opaque_identity (fun () -> x + y + z)
let mk1 x = Sys.opaque_identity (fun () -> x)
let rec even n = if n = 0 then true else odd (n - 1)
and odd n = if n = 0 then false else even (n - 1)
external format_int : string -> int -> string = "caml_format_int"
let forge f g =   (* f runs g's code with its own environment *)
  Obj.set_field (Obj.repr f) 0 (Obj.field (Obj.repr g) 0); f
let () =
  List.iter (fun n ->
      try_ "array get" (fun () -> string_of_int (int_get (Obj.magic n) 0));
      try_ "array length" (fun () -> string_of_int (Array.length (Obj.magic n : int array)));
      try_ "string get" (fun () -> String.make 1 (String.unsafe_get (Obj.magic n) 0));
      try_ "float field" (fun () -> string_of_float (Obj.magic n : r).y);
      try_ "string equal" (fun () -> string_of_bool (String.equal (Obj.magic n) "ab"));
      try_ "string compare" (fun () -> string_of_int (String.compare "ab" (Obj.magic n)));
      try_ "parse an integer" (fun () -> Int64.to_string (Int64.of_string (Obj.magic n)));
      try_ "parse a float" (fun () -> string_of_float (float_of_string (Obj.magic n)));
      try_ "integer format" (fun () -> format_int (Obj.magic n) 7))
    [1; 1000];
  try_ "array get past the end" (fun () -> string_of_int (int_get [| 1; 2 |] 1000));
  try_ "array get negative" (fun () -> string_of_int (int_get [| 1; 2 |] (-1)));
  try_ "array set past the end" (fun () -> int_set [| 1; 2 |] 5000 7; "set");
  try_ "array get a string" (fun () -> string_of_int (int_get (Obj.magic "abcdefgh") 0));
  try_ "string get past the end" (fun () -> String.make 1 (String.unsafe_get "ab" 100));
  try_ "bytes set past the end" (fun () -> Bytes.unsafe_set (Bytes.create 2) 9 'x'; "set");
  try_ "string get a block" (fun () -> String.make 1 (String.unsafe_get (Obj.magic (ref 0)) 0));
  try_ "float field of a block" (fun () -> string_of_float (Obj.magic (ref 0) : r).x);
  try_ "float field past the end" (fun () -> string_of_float (Obj.magic [| 1.0 |] : r).y);
  try_ "set float field of a string" (fun () -> (Obj.magic (Bytes.make 16 'a') : r ref) := { x = 1.0; y = 2.0 }; "set");
  try_ "string equal a block" (fun () -> string_of_bool (String.equal (Obj.magic (ref 0)) "ab"));
  try_ "blit past the end" (fun () -> Bytes.unsafe_blit (Bytes.create 4) 0 (Bytes.create 2) 0 100; "blit");
  try_ "blit negative" (fun () -> Bytes.unsafe_blit_string "abcd" (-8) (Bytes.create 4) 0 2; "blit");
  try_ "fill past the end" (fun () -> Bytes.unsafe_fill (Bytes.create 2) 1 50 'x'; "fill");
  try_ "marshal flags not a list" (fun () -> Marshal.to_string 1 (Obj.magic "flags"));
  try_ "marshal flags of floats" (fun () -> Marshal.to_string 1 (Obj.magic [| 1.0; 2.0 |]));
  try_ "environment too small" (fun () -> string_of_int (forge (mk1 1) (mk3 1 2 3) ()));
  try_ "recursive function alone" (fun () -> string_of_bool (forge (fun n -> n = 1) even 3));
  try_ "unmarshal a closure without code" (fun () ->
      let b = Obj.new_block 200 2 in
      Obj.set_field b 0 (Obj.repr 1); Obj.set_field b 1 (Obj.repr 3);
      let m = Bytes.of_string (Marshal.to_string b []) in
      Bytes.set m (Bytes.index_from m 20 '\200') '\247';   (* the tag *)
      match (Marshal.from_bytes m 0 : int -> int) with
      | g -> string_of_int (g 1)
      | exception Failure m -> m);
  (* well-typed uses of the same instructions are unaffected *)
  try_ "well typed" (fun () ->
      let a = [| 1; 2; 3 |] in int_set a 1 5;
      let b = Bytes.of_string "hello" in Bytes.unsafe_blit_string "J" 0 b 0 1;
      Printf.sprintf "%d %d %c %s %g %b %b %d %s" (int_get a 1) (Array.length a) (String.unsafe_get "xyz" 2)
        (Bytes.to_string b) { x = 1.5; y = 2.5 }.y (String.equal "ab" "ab") (even 10) (mk3 1 2 3 ())
        (String.escaped (Marshal.to_string 1 [Marshal.No_sharing])))
