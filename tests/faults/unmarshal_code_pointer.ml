(* Ill-typed unmarshalled data: a closure retagged as an ordinary block puts
   a code pointer where a value is expected.  Hashing, comparing and
   marshalling it again must not read a header from the code (compared
   with stock ocamlrun). *)
let f x = x + 1
let () =
  let s = Bytes.of_string (Marshal.to_string (f, 3) [Marshal.Closures]) in
  (* the closure is a CODE_BLOCK32 (0x08) whose header has tag 247 *)
  let found = ref false in
  for i = 20 to Bytes.length s - 5 do
    if not !found && Bytes.get s i = '\x08' && Bytes.get s (i + 4) = '\xf7' then begin
      Bytes.set s (i + 4) '\x00'; found := true end
  done;
  Printf.printf "retagged %b\n%!" !found;
  let v : int list * int = Marshal.from_bytes s 0 in
  Printf.printf "hash %d\n%!" (Hashtbl.hash v land 0);
  Printf.printf "compare with itself %d\n%!" (compare v v);
  Printf.printf "equal to another %b\n%!" (v = (fst v, 4));
  Printf.printf "compare with a list %d\n%!" (compare (fst v) [1; 2]);
  Printf.printf "compare with an int %d\n%!" (compare (Obj.repr (List.hd (Obj.magic v))) (Obj.repr 0) |> abs);
  ignore (Marshal.to_string v [Marshal.Closures]);
  print_endline "ok"
