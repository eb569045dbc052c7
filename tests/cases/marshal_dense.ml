(* Marshalled data where a few bytes stand for many heap words: empty
   strings unshared (three words per input byte), nested small blocks,
   floats.  Read back by the same program and checked field by field. *)
let round_trip flags v = Marshal.from_string (Marshal.to_string v flags) 0

let () =
  List.iter (fun n ->
      let a = Array.init n (fun _ -> "") in
      let b : string array = round_trip [Marshal.No_sharing] a in
      Printf.printf "empty strings %d: %b, %d bytes\n" n (a = b)
        (String.length (Marshal.to_string a [Marshal.No_sharing])))
    [0; 1; 7; 31; 1000];
  let nested = Array.init 200 (fun i -> Some (Some [i; -i])) in
  Printf.printf "nested: %b\n" (round_trip [] nested = nested);
  let floats = List.init 100 float_of_int in
  Printf.printf "floats: %b\n" (round_trip [Marshal.No_sharing] floats = floats);
  let unit_lists = Array.init 300 (fun _ -> [()]) in
  Printf.printf "unit lists: %b\n" (round_trip [Marshal.No_sharing] unit_lists = unit_lists)
