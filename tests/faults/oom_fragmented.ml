(* A heap full of holes too small for the next request: the allocation
   compacts the heap (the live strings slide together) instead of raising
   Out_of_memory.  Fills the heap with 2100-byte strings until it is full
   (--heap in oom_fragmented.flags), frees every other one, then asks for
   one string of half of what was freed: larger than any hole. *)
(* Larger than the nursery takes (256 words): the strings go straight to the
   major heap, which is full when the loop ends. *)
let piece = 2100

let () =
  let all = Array.make 4096 Bytes.empty and count = ref 0 in
  (try
     while !count < Array.length all do
       all.(!count) <- Bytes.make piece (Char.chr (65 + !count mod 26));
       incr count
     done
   with Out_of_memory -> ());
  let count = !count in
  for i = 0 to count - 1 do if i mod 2 = 0 then all.(i) <- Bytes.empty done;
  Gc.full_major ();
  let big_block () =
    let before = (Gc.quick_stat ()).Gc.compactions in
    let big = Bytes.make (count / 2 * piece / 2) 'z' in
    let after = (Gc.quick_stat ()).Gc.compactions in
    (Bytes.length big = count / 2 * piece / 2 && Bytes.get big 0 = 'z', after > before)
  in
  let big_ok, compacted = big_block () in
  let intact = ref true in
  Array.iteri (fun i b ->
      if i mod 2 = 1 && i < count && b <> Bytes.make piece (Char.chr (65 + i mod 26)) then
        intact := false) all;
  Printf.printf "filled the heap: %b\n" (count > 100 && count < Array.length all);
  Printf.printf "large block after the holes: %b (compacted: %b)\n" big_ok compacted;
  Printf.printf "kept strings intact after moving: %b\n" !intact;
  (* Gc.compact leaves one free run: the same request, the first block
     dead, fits without another collection. *)
  Gc.compact ();
  let majors = (Gc.quick_stat ()).Gc.major_collections in
  let again = Bytes.make (count / 2 * piece / 2) 'y' in
  Printf.printf "again after Gc.compact, no collection: %b\n"
    (Bytes.length again > 0 && (Gc.quick_stat ()).Gc.major_collections = majors)
