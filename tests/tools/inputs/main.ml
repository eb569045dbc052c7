(* Uses Shapes, the lexer Calc made by ocamllex, classes, functors, records,
   exceptions and Hashtbl: enough for the compiler's many passes. *)
module SMap = Map.Make (String)

class counter = object
  val mutable n = 0
  method incr = n <- n + 1
  method get = n
end

exception Bad_input of string

let shapes = Shapes.[
    Circle ({ x = 0.; y = 0. }, 1.5);
    Polygon [ { x = 0.; y = 0. }; { x = 4.; y = 0. }; { x = 4.; y = 3. } ];
    Polygon [ { x = 0.; y = 0. }; { x = 2.; y = 0. }; { x = 2.; y = 2. }; { x = 0.; y = 2. } ];
  ]

let rec fib n = if n < 2 then n else fib (n - 1) + fib (n - 2)

let tally words =
  let c = new counter in
  let table = Hashtbl.create 16 in
  List.iter (fun w ->
      c#incr;
      Hashtbl.replace table w (1 + try Hashtbl.find table w with Not_found -> 0))
    words;
  let m = Hashtbl.fold SMap.add table SMap.empty in
  SMap.iter (Printf.printf "%s=%d ") m;
  Printf.printf "(%d words)\n" c#get

let () =
  List.iter (fun s -> print_endline (Shapes.describe s)) shapes;
  Printf.printf "fib 20 = %d\n" (fib 20);
  tally [ "a"; "b"; "a"; "c"; "b"; "a" ];
  List.iter (fun e -> Printf.printf "%s = %d\n" e (Calc.eval_string e))
    [ "1 + 2 * 3"; "(1 + 2) * 3"; "100 / 7 - 2" ];
  match raise (Bad_input "end") with
  | () -> ()
  | exception Bad_input m -> print_endline m
