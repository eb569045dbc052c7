(* Stack_overflow in non-tail recursion, in List.map on a long list, in a
   closure called by a higher-order function, and in a finaliser called by
   the runtime: each time the program catches it and goes on. *)
let rec depth n = 1 + depth (n + 1)
let rec sum = function [] -> 0 | x :: l -> x + sum l

let attempt name f =
  match f () with
  | _ -> Printf.printf "%s: no overflow\n" name
  | exception Stack_overflow -> Printf.printf "%s: Stack_overflow\n" name

let () =
  attempt "recursion" (fun () -> depth 0);
  let long = let rec go acc n = if n = 0 then acc else go (n :: acc) (n - 1) in go [] 5_000 in
  attempt "List.map" (fun () -> List.map succ long);
  attempt "non-tail sum" (fun () -> sum long);
  attempt "in a closure" (fun () -> List.iter (fun x -> ignore (depth x)) [1; 2]);
  attempt "in a fold" (fun () -> List.fold_left (fun acc x -> acc + depth x) 0 [1]);
  attempt "in a finaliser" (fun () ->
      Gc.finalise (fun _ -> ignore (depth 0)) (ref 0);
      Gc.full_major ());
  attempt "with a handler per frame" (fun () ->
      let rec f n = try 1 + f (n + 1) with Not_found -> 0 in f 0);
  attempt "again" (fun () -> depth 0);
  Printf.printf "still working: %d\n" (List.length (List.map succ [1; 2; 3]))
