(* Allocation-heavy: trees, arrays, strings, finalisers, weak pointers and
   Hashtbl, checked against ocamlrun's output. *)
type tree = Leaf | Node of tree * int * tree
let rec make d = if d = 0 then Leaf else Node (make (d - 1), d, make (d - 1))
let rec check = function Leaf -> 0 | Node (l, v, r) -> check l + v + check r

let () =
  let total = ref 0 in
  for i = 1 to 200 do total := !total + check (make (i mod 12)) done;
  Printf.printf "trees %d\n" !total;
  let h = Hashtbl.create 16 in
  for i = 0 to 20000 do Hashtbl.replace h (string_of_int i) (Array.make (i mod 7) i) done;
  for i = 0 to 20000 do if i mod 3 = 0 then Hashtbl.remove h (string_of_int i) done;
  Printf.printf "hashtbl %d\n" (Hashtbl.length h);
  let w = Weak.create 10 in
  let kept = ref [] in
  for i = 0 to 9 do
    let v = ref i in
    Weak.set w i (Some v);
    if i mod 2 = 0 then kept := v :: !kept
  done;
  Gc.full_major ();
  let alive = ref 0 in
  for i = 0 to 9 do if Weak.check w i then incr alive done;
  Printf.printf "weak alive %d (kept %d)\n" !alive (List.length !kept);
  let finalised = ref 0 in
  for _ = 1 to 100 do Gc.finalise (fun _ -> incr finalised) (ref 0) done;
  Gc.full_major ();
  Printf.printf "finalised %d\n" !finalised;
  let big = Array.init 100000 (fun i -> Some (i mod 1000)) in
  Gc.compact ();
  Printf.printf "big %d\n" (Array.fold_left (fun a o -> match o with Some i -> a + i | None -> a) 0 big)
