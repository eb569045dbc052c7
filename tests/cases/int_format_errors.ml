(* Integer formats for which C's printf has no defined result (ocamlrun
   prints garbage or crashes): ucaml raises Invalid_argument. *)
external format_int : string -> int -> string = "caml_format_int"
external int32_format : string -> int32 -> string = "caml_int32_format"
external int64_format : string -> int64 -> string = "caml_int64_format"

let try_format name f fmt =
  match f fmt with
  | s -> Printf.printf "%s %S -> %S\n" name fmt s
  | exception Invalid_argument m -> Printf.printf "%s %S: Invalid_argument %S\n" name fmt m

let () =
  List.iter (try_format "int" (fun f -> format_int f 42))
    [""; "%s"; "%d %d"; "%*d"; "%hd"; "%f"; "%c"; "%n"; "%p"; "%"; "%5"; "%1$d"];
  List.iter (try_format "int32" (fun f -> int32_format f 42l)) ["%qd"; "%jd"; "%hhd"];
  List.iter (try_format "int64" (fun f -> int64_format f 42L)) ["%hd"; "%zx"]
