(* Compiled regexps altered with Obj.magic: each is refused with
   Invalid_argument when used, instead of sending the matcher outside the
   program, the constant pool, the groups or the text. *)
type re = {
  prog : int array; cpool : string array; normtable : string;
  numgroups : int; numregisters : int; startchars : int;
}

let expose (r : Str.regexp) : re = Obj.magic r
let forge (r : re) : Str.regexp = Obj.magic r
let instr op arg = op lor (arg lsl 8)
let op_char = 0 and op_charnorm = 1 and op_string = 2 and op_charclass = 4
and op_beggroup = 8 and op_refgroup = 10 and op_accept = 11 and op_simpleopt = 12
and op_goto = 15 and op_pushback = 16 and op_setmark = 17

let try_regexp name r =
  let result =
    match Str.search_forward r "xaab aab" 0 with
    | i -> Printf.sprintf "found at %d" i
    | exception Not_found -> "Not_found"
    | exception Invalid_argument m -> "Invalid_argument " ^ m
  in
  Printf.printf "%s: %s\n" name result

let () =
  let base = expose (Str.regexp "\\(a+\\)b") in
  let with_prog prog = forge { base with prog } in
  try_regexp "copy of a real regexp" (forge { base with prog = Array.copy base.prog });
  try_regexp "not a record" (Obj.magic 42);
  try_regexp "short record" (Obj.magic (Array.make 3 0));
  try_regexp "empty program" (with_prog [||]);
  try_regexp "no ACCEPT at the end" (with_prog [| instr op_char 97 |]);
  try_regexp "unknown opcode" (with_prog [| instr 99 0; instr op_accept 0 |]);
  try_regexp "negative instruction" (with_prog [| -1; instr op_accept 0 |]);
  try_regexp "pointer in the program" (forge { base with prog = Obj.magic [| "x"; "y" |] });
  try_regexp "string index" (with_prog [| instr op_string 7; instr op_accept 0 |]);
  try_regexp "charset index" (with_prog [| instr op_charclass 1000; instr op_accept 0 |]);
  try_regexp "short charset"
    (forge { base with prog = [| instr op_simpleopt 0; instr op_accept 0 |]; cpool = [| "ab" |]; startchars = -1 });
  try_regexp "charset not a string"
    (forge { base with prog = [| instr op_charclass 0; instr op_accept 0 |]; cpool = Obj.magic [| 1 |]; startchars = -1 });
  try_regexp "group number" (with_prog [| instr op_beggroup 5; instr op_accept 0 |]);
  try_regexp "back reference" (with_prog [| instr op_refgroup 1000000; instr op_accept 0 |]);
  try_regexp "register number" (with_prog [| instr op_setmark 0; instr op_accept 0 |]);
  try_regexp "jump before the start" (with_prog [| instr op_goto (-5); instr op_accept 0 |]);
  try_regexp "jump past the end" (with_prog [| instr op_pushback 1; instr op_accept 0 |]);
  try_regexp "endless loop" (with_prog [| instr op_goto (-1); instr op_accept 0 |]);
  try_regexp "loop that never backtracks"
    (forge { base with prog = [| instr op_simpleopt 0; instr op_goto (-2); instr op_accept 0 |];
                       cpool = [| String.make 32 '\000' |]; startchars = -1 });
  try_regexp "case folding without a table" (with_prog [| instr op_charnorm 97; instr op_accept 0 |]);
  try_regexp "no groups" (forge { base with numgroups = 0 });
  try_regexp "huge number of groups" (forge { base with numgroups = max_int });
  try_regexp "negative registers" (forge { base with numregisters = -1 });
  try_regexp "start characters" (forge { base with startchars = 99 });
  try_regexp "start characters too short"
    (forge { base with startchars = 0; cpool = [| "a" |] });
  (* Replacement reads the groups of the last match: they are checked
     against the text it is given. *)
  ignore (Str.string_match (Str.regexp "\\(a*\\)") "aaaa" 0);
  Printf.printf "replace in a shorter text: %s\n"
    (match Str.replace_matched "<\\1>" "a" with
     | s -> s
     | exception Invalid_argument m -> "Invalid_argument " ^ m);
  Printf.printf "still works: %S\n" (Str.global_replace (Str.regexp "a\\(b*\\)") "<\\1>" "xabbyaz")
