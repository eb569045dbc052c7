(* Bigarray elements are pinned blocks of the heap: under a small heap
   (bigarray_heap.flags) the collector must free those of dead arrays, keep
   those still viewed by a sub-array after their first array died, and give
   Out_of_memory-free service across many more bytes than the heap holds. *)
open Bigarray

let make n c =
  let a = Array1.create char c_layout n in
  Array1.fill a c;
  a

let () =
  (* 400 x 16 KB through a 128 KB heap *)
  let total = ref 0 in
  for i = 1 to 400 do
    let a = make 16384 (Char.chr (65 + i mod 26)) in
    total := !total + Char.code a.{i}
  done;
  Printf.printf "churn: %d\n" !total;
  (* a view outlives its array *)
  let view = Array1.sub (make 8192 'v') 100 50 in
  Gc.full_major ();
  for _ = 1 to 50 do ignore (make 16384 'x') done;
  Gc.full_major ();
  let ok = ref true in
  for i = 0 to Array1.dim view - 1 do if view.{i} <> 'v' then ok := false done;
  Printf.printf "view intact: %b\n" !ok;
  (* elements of every kind, and unmarshalled arrays *)
  let f = Array1.init float64 c_layout 1000 float_of_int in
  let g : (float, float64_elt, c_layout) Array1.t = Marshal.from_string (Marshal.to_string f []) 0 in
  Printf.printf "floats: %g %g\n" g.{999} (Array1.get f 500);
  let big = Array2.init int32 c_layout 100 100 (fun i j -> Int32.of_int (i * j)) in
  Gc.compact ();
  Printf.printf "int32: %ld\n" big.{99, 99}
