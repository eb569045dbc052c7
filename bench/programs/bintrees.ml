(* Allocation-heavy: build and check many short-lived binary trees, plus
   one long-lived tree, plus list churn. Usage: bintrees.byte [DEPTH] *)

let max_depth = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 16

type tree = Leaf | Node of tree * int * tree

let rec make d v =
  if d = 0 then Node (Leaf, v, Leaf)
  else Node (make (d - 1) (2 * v), v, make (d - 1) (2 * v + 1))

let rec check = function
  | Leaf -> 0
  | Node (l, v, r) -> 1 + check l + check r + (v land 1)

let () =
  let long_lived = make max_depth 1 in
  let total = ref 0 in
  let d = ref 4 in
  while !d <= max_depth do
    let iters = 1 lsl (max_depth - !d + 4) in
    let c = ref 0 in
    for i = 1 to iters do
      c := !c + check (make !d i)
    done;
    total := !total + !c;
    d := !d + 2
  done;
  (* list churn: map/filter/rev over fresh lists *)
  let l = ref [] in
  for i = 1 to 200 do
    let xs = List.init 2000 (fun k -> k * i) in
    let ys = List.filter (fun x -> x mod 3 <> 0) (List.rev_map (fun x -> x + 1) xs) in
    l := List.length ys :: !l
  done;
  Printf.printf "bintrees depth=%d total=%d long=%d lists=%d\n"
    max_depth !total (check long_lived) (List.fold_left (+) 0 !l)
