(* The OCaml side of the fuzz harnesses (fuzz_ocaml.c): it registers one
   function per harness, which gets the fuzzer's input as a string.  Errors
   the input may rightly cause are caught here; anything else escapes to the
   harness, which reports it as a finding.
   `driver.byte seeds DIR` writes the seed inputs of every harness. *)

(* A bounded walk that reads every part of a value through Obj, dispatching
   on the tag as the runtime does: ill-typed data must not make it crash.
   The budget bounds the work on shared and cyclic data. *)
let walk v =
  let budget = ref 10_000 in
  let rec go v =
    decr budget;
    if !budget > 0 && Obj.is_block v then begin
      let t = Obj.tag v in
      if t = Obj.string_tag then ignore (String.length (Obj.obj v : string))
      else if t = Obj.double_tag then ignore (Obj.obj v : float)
      else if t = Obj.double_array_tag then
        Array.iter (fun (f : float) -> ignore (f +. 1.)) (Obj.obj v : float array)
      else if t < Obj.no_scan_tag && t <> Obj.closure_tag && t <> Obj.infix_tag then
        for i = 0 to Obj.size v - 1 do go (Obj.field v i) done
    end in
  go v

let unmarshal s =
  match Marshal.from_string s 0 with
  | exception (Failure _ | Invalid_argument _ | End_of_file | Out_of_memory) -> ()
  | v ->
    ignore (Hashtbl.hash v);
    ignore (Hashtbl.hash_param 200 200 v);
    ignore (Hashtbl.seeded_hash 42 v);
    walk (Obj.repr v);
    (try ignore (compare v v); ignore (v == v) with Invalid_argument _ -> ());
    (* What was accepted and written again must be read back: a refusal
       is a finding, reported as such (not as an unexplained Failure). *)
    (match Marshal.to_string v [Marshal.Closures] with
     | s' ->
       (try ignore (Marshal.from_string s' 0 : Obj.t)
        with Failure m | Invalid_argument m ->
          failwith ("finding: accepted, re-marshalled, then refused: " ^ m))
     | exception (Invalid_argument _ | Failure _ | Out_of_memory) -> ());
    (try ignore (Marshal.total_size (Bytes.unsafe_of_string s) 0)
     with Invalid_argument _ | Failure _ -> ())

(* Conversions must not crash, and printing then reading back must give the
   same number. *)
let numbers s =
  let t f = try ignore (f s) with Failure _ | Invalid_argument _ -> () in
  t int_of_string_opt; t float_of_string_opt; t Int32.of_string_opt;
  t Int64.of_string_opt; t Nativeint.of_string_opt; t bool_of_string_opt;
  (match float_of_string_opt s with
   | Some f when Float.is_finite f ->
     List.iter (fun fmt ->
         let printed = Printf.sprintf fmt f in
         if float_of_string printed <> f then
           failwith (Printf.sprintf "float round trip: %S -> %S" s printed))
       ["%.17g"; "%h"];
     ignore (Printf.sprintf "%e %f %g %.3f %10.4e %-8g %+.0f" f f f f f f f);
     ignore (string_of_float f)
   | _ -> ());
  (match Int64.of_string_opt s with
   | Some n ->
     List.iter (fun fmt ->
         let printed = Printf.sprintf fmt n in
         if Int64.of_string printed <> n then
           failwith (Printf.sprintf "int64 round trip: %S -> %S" s printed))
       ["%Ld"; "0x%Lx"; "0o%Lo"; "%Li"]
   | None -> ());
  (match int_of_string_opt s with
   | Some n -> if int_of_string (string_of_int n) <> n then failwith "int round trip"
   | None -> ())

let scanf s =
  let t fmt k =
    try Scanf.sscanf s fmt k
    with Scanf.Scan_failure _ | Failure _ | End_of_file | Invalid_argument _ -> () in
  t "%d %f %s" (fun _ _ _ -> ());
  t " %S %C %B %c" (fun _ _ _ _ -> ());
  t "%x %o %ld %Ld %nd %u" (fun _ _ _ _ _ _ -> ());
  t "%[a-z0-9] %e %h %F %!" (fun _ _ _ _ -> ());
  t "%i%_d%s@\n%s" (fun _ _ _ -> ());
  t "%3d%5f%2s%l%n%N%%" (fun _ _ _ _ _ _ -> ());
  t "%{%d%s%}" (fun _ -> ());
  (try ignore (Scanf.format_from_string s "%d %s")
   with Scanf.Scan_failure _ | Failure _ | End_of_file | Invalid_argument _ -> ());
  let ib = Scanf.Scanning.from_string s in
  let rec words n =
    if n > 0 then
      match Scanf.bscanf ib " %s" (fun w -> w) with
      | "" -> ()
      | _ -> words (n - 1)
      | exception (Scanf.Scan_failure _ | Failure _ | End_of_file) -> () in
  words 100

(* ---- seeds ---- *)

type record = { a : int; b : string; mutable c : float; d : int list }
type variant = A | B of int | C of string * variant | D of { x : float }

let seeds dir =
  let n = ref 0 in
  let write sub s =
    let d = Filename.concat dir sub in
    (try Sys.mkdir d 0o755 with Sys_error _ -> ());
    incr n;
    let oc = open_out_bin (Filename.concat d (Printf.sprintf "seed%03d" !n)) in
    output_string oc s; close_out oc in
  let m v = write "unmarshal" (Marshal.to_string v []) in
  let shared = "shared string" in
  m 0; m (-1); m max_int; m min_int; m "hello"; m (String.make 300 'x');
  m 3.14; m [| 1.5; -0.; nan; infinity |]; m [1; 2; 3]; m (Some (Some None));
  m { a = 1; b = "b"; c = 2.5; d = [4; 5] };
  m [A; B 3; C ("c", D { x = 1e300 })];
  m (shared, shared, [shared]);
  m (1l, 2L, 3n, Int64.min_int);
  m (Array.init 20 (fun i -> (i, string_of_int i)));
  m (Hashtbl.create 8 |> fun h -> Hashtbl.add h "k" [1.]; h);
  m (Bigarray.Array1.of_array Bigarray.int32 Bigarray.c_layout [| 1l; 2l |]);
  m (Bigarray.Array2.create Bigarray.float64 Bigarray.fortran_layout 2 3);
  m (lazy 5); m (ref (ref 0)); m (Buffer.create 4);
  let rec cyclic = 1 :: 2 :: cyclic in
  m cyclic;
  write "unmarshal" (Marshal.to_string (fun x -> x + 1) [Marshal.Closures]);
  write "unmarshal" (Marshal.to_string (List.map, walk) [Marshal.Closures]);
  write "unmarshal" (Marshal.to_string [1; 2] [Marshal.No_sharing]);
  write "unmarshal" (Marshal.to_string ("x", 1.) [Marshal.Compat_32]);
  List.iter (write "numbers")
    ["0"; "-12"; "+7"; "0x1F"; "0o777"; "0b1011"; "0u4611686018427387904";
     "1_000_000"; "9223372036854775807"; "-9223372036854775808";
     "4611686018427387903"; "0x7fffffffffffffff"; "3.14"; "-0.0"; "1e10";
     "1e-320"; "2.2250738585072014e-308"; "1.7976931348623157e308"; "1e400";
     "nan"; "-inf"; "infinity"; "0x1.8p3"; "-0x.1p-1074"; "0x1p1024";
     "123456789012345678901234567890"; "  42"; "1."; ".5"; "1e"; "_1"; "true"];
  List.iter (write "scanf")
    ["12 3.5 hello"; "\"str\\n\" 'c' true x"; "ff 17 -5 99999999999 7 3";
     "abc 1e5 0x1p3 3.0 "; "42 13 word\nrest"; "123456789.123 abc"; "%d %s";
     "%{%d%}"; "  \t\n"; "\"unterminated"; "0x 0o 0b"; "-"];
  write "scanf" "%d %s %[^\n] %5.2f %-3c %S %a %t %(%d%)";
  Printf.printf "%d seeds\n" !n

let () =
  Callback.register "unmarshal" unmarshal;
  Callback.register "numbers" numbers;
  Callback.register "scanf" scanf;
  if Array.length Sys.argv = 3 && Sys.argv.(1) = "seeds" then seeds Sys.argv.(2)
