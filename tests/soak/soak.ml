(* A long-lived, allocation-heavy program for the soak test: for the given
   number of seconds of CPU time it keeps a bounded working set (a ring of
   recent values) while churning through lists, strings, Buffer, Hashtbl,
   Map, Marshal, floats, closures, exceptions, Weak, bigarrays (C memory
   freed by finalisers), channels and big arrays in the major heap.  Each
   second it prints the heap figures of Gc.quick_stat; the soak script
   checks that they, and the process's RSS, stay flat. *)
module M = Map.Make (Int)

let seconds = float_of_string Sys.argv.(1)
let tmp = Sys.argv.(2)
let ring = Array.make 128 (Obj.repr 0)
let weak = Weak.create 256

let work i =
  let l = List.init 200 (fun j -> i + j) in
  let s = String.concat "," (List.map string_of_int l) in
  let b = Buffer.create 64 in
  List.iter (fun x -> Buffer.add_string b (Printf.sprintf "%x;" x)) l;
  let h = Hashtbl.create 16 in
  List.iter (fun x -> Hashtbl.replace h (x mod 97) (string_of_int x)) l;
  let m = List.fold_left (fun m x -> M.add x (float_of_int x) m) M.empty l in
  let v : (string * float M.t) = Marshal.from_string (Marshal.to_string (s, m) []) 0 in
  let ba = Bigarray.Array1.create Bigarray.float64 Bigarray.c_layout 1000 in
  Bigarray.Array1.fill ba (float_of_int i);
  let big = if i mod 50 = 0 then Array.make 20_000 i else [||] in
  let f = (fun x -> x + Hashtbl.length h) in
  (try if i mod 3 = 0 then raise Not_found with Not_found -> ());
  if i mod 100 = 0 then begin
    let oc = open_out tmp in
    output_string oc (Buffer.contents b); close_out oc;
    let ic = open_in tmp in
    ignore (input_line ic); close_in ic
  end;
  Weak.set weak (i mod 256) (Some (Bytes.create 100));
  ring.(i mod Array.length ring) <- Obj.repr (v, ba, big, f, Buffer.length b)

let () =
  let i = ref 0 and next = ref 1. in
  while Sys.time () < seconds do
    work !i; incr i;
    if Sys.time () >= !next then begin
      let st = Gc.quick_stat () in
      Printf.printf "t=%.0f iterations=%d heap_words=%d top_heap_words=%d\n%!"
        !next !i st.Gc.heap_words st.Gc.top_heap_words;
      next := !next +. 1.
    end
  done;
  Sys.remove tmp
