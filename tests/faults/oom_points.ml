(* Out_of_memory at many points: each way of growing the heap (lists,
   arrays, strings, Buffer, Hashtbl, Marshal, closures, floats, records)
   is run until the heap limit, with more and more live data kept aside so
   that the limit is hit at different moments.  After each failure the
   program checks that it still works. *)
let grow_list () = let rec go acc n = go (n :: acc) (n + 1) in go [] 0
let grow_array () =
  let rec go a = go (Array.append a (Array.make (Array.length a + 1) 0)) in go [| 0 |]
let grow_string () = let rec go s = go (s ^ s ^ "x") in go "x"
let grow_buffer () =
  let b = Buffer.create 16 in
  while true do Buffer.add_string b "0123456789abcdef" done
let grow_hashtbl () =
  let h = Hashtbl.create 16 in
  let i = ref 0 in
  while true do Hashtbl.replace h !i (string_of_int !i); incr i done
let grow_marshal () =
  let rec go l = go (Marshal.from_string (Marshal.to_string (l, l) []) 0 :: l) in go []
let grow_closures () =
  let rec go fs n = go ((fun () -> n + List.length fs) :: fs) (n + 1) in go [] 0
let grow_floats () = let rec go acc x = go (x :: acc) (x +. 1.) in go [] 0.
let grow_float_array () =
  let rec go a = go (Array.append a (Array.make (Array.length a + 1) 1.5)) in go [| 1.5 |]
type r = { a : int; mutable b : r option; c : string }
let grow_records () =
  let rec go prev n = go (Some { a = n; b = prev; c = "r" }) (n + 1) in go None 0
let grow_bytes_blocks () =
  let rec go acc = go (Bytes.make 1000 'b' :: acc) in go []
let grow_lazy () = let rec go acc = go (lazy (List.length acc) :: acc) in go []

let kinds = [
  "list", grow_list; "array", grow_array; "string", grow_string;
  "buffer", grow_buffer; "hashtbl", grow_hashtbl; "marshal", grow_marshal;
  "closures", grow_closures; "floats", grow_floats; "float_array", grow_float_array;
  "records", grow_records; "bytes_blocks", grow_bytes_blocks; "lazy", grow_lazy ]

let still_works () =
  let l = List.init 500 (fun i -> i) in
  let s = String.concat "," (List.map string_of_int (List.filteri (fun i _ -> i < 10) l)) in
  List.fold_left ( + ) 0 l = 124750 && s = "0,1,2,3,4,5,6,7,8,9"

let () =
  let failures = ref 0 and runs = ref 0 in
  for kept = 0 to 9 do
    (* live data kept aside: 0 to 9 blocks of about 20 KB *)
    let aside = List.init kept (fun i -> Array.make 2500 i) in
    List.iter (fun (name, grow) ->
        incr runs;
        match grow () with
        | _ -> print_endline ("impossible: " ^ name)
        | exception Out_of_memory ->
          if not (still_works ()) then (incr failures; print_endline ("broken after " ^ name))
        | exception Stack_overflow -> print_endline ("Stack_overflow instead: " ^ name))
      kinds;
    Gc.compact ();
    if List.length aside <> kept then print_endline "lost live data"
  done;
  Printf.printf "%d runs to Out_of_memory, %d left the program broken\n" !runs !failures
