(* A calculator: ocamllex turns this into calc.ml. *)
{
type token = INT of int | PLUS | MINUS | TIMES | DIV | LPAREN | RPAREN | EOF
exception Error of string
}

let digit = ['0'-'9']
let space = [' ' '\t' '\n']

rule token = parse
  | space+ { token lexbuf }
  | digit+ as n { INT (int_of_string n) }
  | '+' { PLUS } | '-' { MINUS } | '*' { TIMES } | '/' { DIV }
  | '(' { LPAREN } | ')' { RPAREN }
  | eof { EOF }
  | _ as c { raise (Error (Printf.sprintf "unexpected %C" c)) }

{
(* Precedence climbing over the token stream. *)
let eval_string s =
  let lexbuf = Lexing.from_string s in
  let look = ref (token lexbuf) in
  let advance () = look := token lexbuf in
  let rec expr () =
    let v = ref (term ()) in
    let rec loop () = match !look with
      | PLUS -> advance (); v := !v + term (); loop ()
      | MINUS -> advance (); v := !v - term (); loop ()
      | _ -> () in
    loop (); !v
  and term () =
    let v = ref (atom ()) in
    let rec loop () = match !look with
      | TIMES -> advance (); v := !v * atom (); loop ()
      | DIV -> advance (); v := !v / atom (); loop ()
      | _ -> () in
    loop (); !v
  and atom () = match !look with
    | INT n -> advance (); n
    | LPAREN -> advance (); let v = expr () in
      if !look <> RPAREN then raise (Error "missing )"); advance (); v
    | _ -> raise (Error "expected a number") in
  expr ()
}
