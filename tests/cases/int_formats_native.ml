(* The integer format externals where results depend on the word size:
   min_int and max_int, an int's unsigned view (63 bits here), and int64's
   C length "l" showing when the conversion is not last.  Compared on
   64-bit hosts only (tests/run-all.sh skips it on 32-bit ones). *)
external format_int : string -> int -> string = "caml_format_int"
external int64_format : string -> int64 -> string = "caml_int64_format"
external nativeint_format : string -> nativeint -> string = "caml_nativeint_format"

let formats = ["%d"; "%u"; "%x"; "%X"; "%o"; "%#x"; "%#o"; "0x%X"; "%+08d";
               "[%5x]"; "[%5d]"; "%lu"; "%Lx"; "%nX"; "%d!"; "%x."; "%25d";
               "%-25x|"; "%.20d"; "%d%%"]

let () =
  List.iter (fun fmt ->
      List.iter (fun v ->
          Printf.printf "int %S %d -> %S\n" fmt v (format_int fmt v);
          Printf.printf "nativeint %S %d -> %S\n" fmt v
            (nativeint_format fmt (Nativeint.of_int v)))
        [min_int; max_int; -1; -42; -0x123456789; 0x123456789];
      List.iter (fun v -> Printf.printf "int64 %S %Ld -> %S\n" fmt v (int64_format fmt v))
        [Int64.min_int; Int64.max_int; -1L; 0x123456789L])
    formats;
  List.iter (fun v -> Printf.printf "nativeint min/max %S %S\n"
                (nativeint_format "%x" v) (nativeint_format "%+d" v))
    [Nativeint.min_int; Nativeint.max_int]
