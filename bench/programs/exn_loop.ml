(* Exceptions in loops: raise/catch at various depths, exceptions with
   arguments, re-raise, Not_found from the stdlib, finally via Fun.protect.
   Usage: exn_loop.byte [N] *)

let n = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 1000000

exception Found of int
exception Deep of string * int

let rec dive d i = if d = 0 then raise (Deep ("bottom", i)) else 1 + dive (d - 1) i

let find_first p a =
  try
    Array.iteri (fun i x -> if p x then raise (Found i)) a;
    -1
  with Found i -> i

let () =
  let a = Array.init 64 (fun i -> i * i) in
  let s1 = ref 0 and s2 = ref 0 and s3 = ref 0 and s4 = ref 0 and s5 = ref 0 in
  for i = 1 to n do
    (* shallow raise/catch *)
    (try if i land 1 = 0 then raise Exit else incr s1 with Exit -> s1 := !s1 + 2);
    (* exception carrying a value out of an iterator *)
    s2 := !s2 + find_first (fun x -> x > i land 1023) a;
    (* deep raise through a recursion *)
    if i land 7 = 0 then
      (try ignore (dive (i land 31) i) with Deep (_, j) -> s3 := (!s3 + j) land 0xFFFFFF);
    (* stdlib exceptions *)
    (match List.assoc (i land 15) [(1, 1); (3, 3); (5, 5)] with
     | v -> s4 := !s4 + v
     | exception Not_found -> s4 := !s4 + 1);
    (* nested handler with re-raise *)
    if i land 63 = 0 then
      (try
         (try failwith "inner" with Failure m -> raise (Deep (m, i)))
       with Deep (m, j) -> s5 := !s5 + String.length m + (j land 1))
  done;
  let fin = ref 0 in
  for _ = 1 to 1000 do
    (try Fun.protect ~finally:(fun () -> incr fin) (fun () -> raise Exit)
     with Exit -> ())
  done;
  Printf.printf "exn_loop n=%d s1=%d s2=%d s3=%d s4=%d s5=%d fin=%d\n"
    n !s1 !s2 !s3 !s4 !s5 !fin
