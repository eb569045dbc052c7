(* Closures and partial application: curried functions applied partially
   and over-applied, function composition, closures capturing mutable state,
   higher-order List/Array functions. Usage: closures.byte [N] *)

let n = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 300

let add3 a b c = a + b + c
let compose f g x = f (g x)
let twice f x = f (f x)
let counter () = let c = ref 0 in fun k -> c := !c + k; !c
let rec pow_f f k = if k = 0 then (fun x -> x) else compose f (pow_f f (k - 1))
let choose b = if b then (fun x y -> x * 2 + y) else (fun x -> fun y -> x - y)

let () =
  let acc = ref 0 in
  for r = 1 to n do
    let add_r = add3 r in                  (* partial: 1 of 3 *)
    let add_r1 = add_r 1 in                (* partial: 2 of 3 *)
    let fs = List.init 200 (fun i -> if i land 1 = 0 then add_r i else add3 i i) in
    let s = List.fold_left (fun a f -> a + f r) 0 fs in
    let g = pow_f add_r1 50 in
    let t = twice (twice g) r in
    let c = counter () in
    let arr = Array.init 300 (fun i -> c i) in
    let m = Array.fold_left (fun a x -> (a * 3 + x) land 0xFFFFFF) 0 arr in
    let h = List.map (choose (r land 1 = 0) r) [1; 2; 3; 4; 5] in
    let sorted = List.sort (fun a b -> compare b a) (List.map (add3 1 2) h) in
    acc := (!acc + s + t + m + List.hd sorted) land 0x3FFFFFFF
  done;
  Printf.printf "closures n=%d acc=%d\n" n !acc
