(* Marshal round trips: structured values (lists, records, variants,
   floats, strings, arrays, shared and cyclic data) to strings/bytes and
   back. Usage: marshal_bench.byte [N] *)

let n = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 2000

type shape = Circle of float | Rect of float * float | Poly of (float * float) list
type rec_t = { name : string; id : int; tags : string list; shape : shape;
               weights : float array; nested : rec_t option }

let mk i =
  let base = { name = "r" ^ string_of_int i; id = i; tags = ["a"; "bb"; string_of_int i];
               shape = (match i mod 3 with
                        | 0 -> Circle (float i)
                        | 1 -> Rect (float i, 2.5)
                        | _ -> Poly [(0., 0.); (1., float i); (float i, 1.)]);
               weights = Array.init 8 (fun k -> float (i * k) /. 3.0);
               nested = None } in
  { base with nested = Some base }

type cyc = { v : int; mutable next : cyc }

let () =
  let data = List.init 50 mk in
  let shared = let s = String.make 100 's' in [s; s; s] in
  let rec c1 = { v = 1; next = c1 } in
  let c2 = { v = 2; next = c1 } in c1.next <- c2;
  let total = ref 0 and fsum = ref 0.0 and ok = ref 0 in
  for i = 1 to n do
    let s = Marshal.to_string (i, data, shared) [] in
    (* the length of [s] is not counted: ocamlopt may share constants
       that ocamlc does not, so it differs between bytecode and native *)
    let (j, d, sh) : int * rec_t list * string list = Marshal.from_string s 0 in
    if j = i && d = data && sh = shared then incr ok;
    (match sh with a :: b :: _ when a == b -> () | _ -> failwith "sharing lost");
    fsum := !fsum +. (List.nth d (i mod 50)).weights.(7);
    let b = Marshal.to_bytes data [Marshal.No_sharing] in
    let (d2 : rec_t list) = Marshal.from_bytes b 0 in
    if d2 = data then incr ok;
    total := !total + Bytes.length b;
    let cb = Marshal.to_bytes c1 [] in
    let (c : cyc) = Marshal.from_bytes cb 0 in
    if c.next.next == c && c.next.v = 2 then incr ok;
    total := !total + Marshal.total_size cb 0
  done;
  Printf.printf "marshal n=%d bytes=%d ok=%d fsum=%.3f\n" n !total !ok !fsum
