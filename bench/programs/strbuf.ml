(* String and Buffer building: Buffer.add_*, String.concat, String.sub,
   String.index_opt, Bytes mutation, string comparison.
   Usage: strbuf.byte [ROUNDS] *)

let rounds = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 300

(* A simple polynomial hash, so the checksum does not depend on
   Hashtbl.hash. *)
let mix h s =
  let h = ref h in
  for i = 0 to String.length s - 1 do
    h := (!h * 31 + Char.code (String.unsafe_get s i)) land 0x3FFFFFFF
  done;
  !h

let words = [| "alpha"; "beta"; "gamma"; "delta"; "epsilon"; "zeta"; "eta";
               "theta"; "iota"; "kappa"; "lambda"; "mu" |]

let build_line b k =
  Buffer.clear b;
  for j = 0 to 40 do
    Buffer.add_string b words.((k + j * 7) mod Array.length words);
    Buffer.add_char b (if j land 3 = 0 then ',' else ' ');
    Buffer.add_string b (string_of_int (k * j))
  done;
  Buffer.contents b

let split_commas s =
  let rec go acc start =
    match String.index_from_opt s start ',' with
    | None -> List.rev (String.sub s start (String.length s - start) :: acc)
    | Some i -> go (String.sub s start (i - start) :: acc) (i + 1)
  in
  go [] 0

let upper_vowels s =
  let b = Bytes.of_string s in
  for i = 0 to Bytes.length b - 1 do
    match Bytes.get b i with
    | 'a' | 'e' | 'i' | 'o' | 'u' as c ->
        Bytes.set b i (Char.uppercase_ascii c)
    | _ -> ()
  done;
  Bytes.to_string b

let () =
  let b = Buffer.create 16 in
  let h = ref 0 and total = ref 0 and maxs = ref "" in
  for r = 1 to rounds do
    let parts = ref [] in
    for k = 0 to 99 do
      let line = build_line b (r * 100 + k) in
      let fields = split_commas line in
      let joined = String.concat ";" (List.map upper_vowels fields) in
      if compare joined !maxs > 0 then maxs := joined;
      parts := joined :: !parts;
      total := !total + List.length fields
    done;
    let big = String.concat "\n" !parts in
    h := mix !h big;
    total := !total + String.length big
  done;
  Printf.printf "strbuf rounds=%d total=%d hash=%d max=%s\n" rounds !total !h
    (String.sub !maxs 0 (min 30 (String.length !maxs)))
