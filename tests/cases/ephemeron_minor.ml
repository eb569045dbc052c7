(* Ephemerons and weak arrays holding young values across Gc.minor: dead
   young keys are emptied with their data, live ones are kept (and moved),
   young data follows its keys, to a fixpoint; same as ocamlrun. *)
let fresh n = Bytes.make n 'k'
let show name b = Printf.printf "%s: %s\n" name (if b then "set" else "none")

let () =
  (* A dead young key: emptied, and its data. *)
  let e = Ephemeron.K1.create () in
  Ephemeron.K1.set_key e (fresh 3);
  Ephemeron.K1.set_data e (fresh 4);
  Gc.minor ();
  show "dead key" (Ephemeron.K1.check_key e);
  show "its data" (Ephemeron.K1.check_data e);
  (* A live young key: kept, still equal to itself after moving. *)
  let k = fresh 5 in
  let e2 = Ephemeron.K1.create () in
  Ephemeron.K1.set_key e2 k;
  Ephemeron.K1.set_data e2 (Bytes.make 6 'd');
  Gc.minor ();
  show "live key" (Ephemeron.K1.check_key e2);
  show "its data" (Ephemeron.K1.check_data e2);
  (match Ephemeron.K1.get_key e2, Ephemeron.K1.get_data e2 with
   | Some k', Some d -> Printf.printf "same key: %b, data %s\n" (k' == k) (Bytes.to_string d)
   | _ -> print_endline "lost");
  (* Fixpoint: the key of e4 is reachable only through the data of e3. *)
  let k3 = fresh 7 in
  let e3 = Ephemeron.K1.create () and e4 = Ephemeron.K1.create () in
  let k4 = fresh 8 in
  Ephemeron.K1.set_key e4 k4;
  Ephemeron.K1.set_data e4 (fresh 9);
  Ephemeron.K1.set_key e3 k3;
  Ephemeron.K1.set_data e3 k4;
  Gc.minor ();
  show "chained key" (Ephemeron.K1.check_key e4);
  show "chained data" (Ephemeron.K1.check_data e4);
  ignore (Sys.opaque_identity k3);
  (* Two keys, one dead. *)
  let ka = fresh 10 in
  let e5 = Ephemeron.K2.create () in
  Ephemeron.K2.set_key1 e5 ka;
  Ephemeron.K2.set_key2 e5 (fresh 11);
  Ephemeron.K2.set_data e5 (fresh 12);
  Gc.minor ();
  show "K2 live key" (Ephemeron.K2.check_key1 e5);
  show "K2 dead key" (Ephemeron.K2.check_key2 e5);
  show "K2 data" (Ephemeron.K2.check_data e5);
  ignore (Sys.opaque_identity ka);
  (* Weak arrays: young values, half of them kept alive. *)
  let w = Weak.create 20 in
  let keep = Array.init 10 (fun i -> fresh (i + 1)) in
  for i = 0 to 19 do Weak.set w i (Some (if i mod 2 = 0 then keep.(i / 2) else fresh i)) done;
  Gc.minor ();
  let alive = ref 0 in
  for i = 0 to 19 do if Weak.check w i then incr alive done;
  Printf.printf "weak: %d of 20 after minor\n" !alive;
  for i = 0 to 9 do
    match Weak.get w (2 * i) with
    | Some b -> if b != keep.(i) then print_endline "moved wrong"
    | None -> print_endline "kept one lost"
  done;
  (* A closure's inner function (an infix pointer) as a key. *)
  let rec f x = if x = 0 then 0 else g (x - 1) and g x = f x + 1 in
  let e6 = Ephemeron.K1.create () in
  Ephemeron.K1.set_key e6 g;
  Ephemeron.K1.set_data e6 (fresh 13);
  Gc.minor ();
  show "infix key" (Ephemeron.K1.check_key e6);
  (match Ephemeron.K1.get_key e6 with Some g' -> Printf.printf "g 5 = %d\n" (g' 5) | None -> ());
  let (_ : int -> int) = Sys.opaque_identity f in
  (* A weak hash table survives many minor collections. *)
  let module H = Ephemeron.K1.Make (struct
    type t = Bytes.t
    let equal = Bytes.equal
    let hash = Hashtbl.hash
  end) in
  let h = H.create 16 in
  let held = Array.init 50 (fun i -> Bytes.of_string (string_of_int i)) in
  for i = 0 to 999 do
    H.replace h (if i < 50 then held.(i) else Bytes.of_string (string_of_int i)) i;
    if i mod 100 = 0 then Gc.minor ()
  done;
  Gc.minor ();
  let found = ref 0 in
  Array.iteri (fun i k -> if H.find_opt h k = Some i then incr found) held;
  Printf.printf "table: %d of 50 held keys found\n" !found;
  Gc.full_major ();
  Printf.printf "table after full major: %d entries alive\n" (H.stats_alive h).Hashtbl.num_bindings;
  ignore (Sys.opaque_identity (e, e2, e3, k, keep, held))
