(* Hashtbl-heavy: integer and string keys, add/replace/find/mem/remove,
   iteration, resizing. Usage: hashtbl_bench.byte [N] *)

let n = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 200000

let () =
  (* integer keys *)
  let t = Hashtbl.create 16 in
  for i = 0 to n - 1 do
    Hashtbl.replace t ((i * 7919) land 0xFFFFFF) i
  done;
  let hits = ref 0 and sum = ref 0 in
  for i = 0 to 2 * n - 1 do
    match Hashtbl.find_opt t ((i * 7919) land 0xFFFFFF) with
    | Some v -> incr hits; sum := (!sum + v) land 0x3FFFFFFF
    | None -> ()
  done;
  for i = 0 to n / 2 do
    Hashtbl.remove t ((i * 2 * 7919) land 0xFFFFFF)
  done;
  let left = Hashtbl.length t in
  (* string keys: word counting *)
  let s = Hashtbl.create 1024 in
  for i = 0 to n - 1 do
    let k = "key" ^ string_of_int (i mod (n / 10 + 1)) in
    match Hashtbl.find s k with
    | c -> Hashtbl.replace s k (c + 1)
    | exception Not_found -> Hashtbl.add s k 1
  done;
  let maxc = Hashtbl.fold (fun _ c m -> max c m) s 0 in
  (* multiple bindings per key, tuple keys *)
  let m = Hashtbl.create 64 in
  for i = 0 to n / 4 do
    Hashtbl.add m (i mod 97, i mod 13) i
  done;
  let all = List.length (Hashtbl.find_all m (5, 5)) in
  let mem = ref 0 in
  for i = 0 to 1000 do if Hashtbl.mem m (i mod 100, i mod 14) then incr mem done;
  let st = Hashtbl.stats t in
  Printf.printf "hashtbl n=%d hits=%d sum=%d left=%d words=%d maxc=%d all=%d mem=%d buckets=%d\n"
    n !hits !sum left (Hashtbl.length s) maxc all !mem st.Hashtbl.num_buckets
