(* The integer format externals called directly (Printf is not their only
   caller): the whole format is honoured, text around the conversion kept,
   and a size letter before the last character replaced by the C length of
   the argument, as ocamlrun's ints.c does.  Only results that are the same
   on 32- and 64-bit hosts are printed; int_formats_native.ml has the rest. *)
external format_int : string -> int -> string = "caml_format_int"
external int32_format : string -> int32 -> string = "caml_int32_format"
external int64_format : string -> int64 -> string = "caml_int64_format"
external nativeint_format : string -> nativeint -> string = "caml_nativeint_format"

let formats = [
  "%d"; "%i"; "%u"; "%x"; "%X"; "%o"; "0x%X"; "0x%x!"; "%+08d"; "[%5x]";
  "[%-5d]"; "%#o"; "%#x"; "%#X"; "%#8x"; "%#08x"; "%-#8o|"; "% d"; "%+d";
  "%+u"; "% x"; "%lX"; "%ld"; "%nd"; "%Lu"; "%li"; "%.3d"; "%.0d"; "%.0x";
  "%#.0o"; "%8.3d"; "%-8.3x|"; "%08.3d"; "%-08d|"; "%+ d"; "%+.5i"; "%12d";
  "%.10o"; "value=%d."; "%%%d"; "%d%%"; "100%% %x"; "%'d"; "%.d"; "abc";
  "%5d%%"; "<%i>"; "%#5.2x"; "%-+6d|"; "%d!"; "%u."; "%x-"; "%%"; "x";
  "%0000000000000000000000000008d";
]

(* C lengths narrower than the argument: the low bits are printed. *)
let int32_only_formats = ["%hd"; "%hhd"; "%hx"; "%hhu"; "%hi"; "%#ho"]

let int_values = [0; 1; -1; 7; 42; -42; 255; 4096; 65535; -65536; 123456789;
                  -123456789; 0x3fffffff; - 0x40000000]
let int32_values = [0l; 1l; -1l; 291l; -291l; 65535l; 0x12345678l;
                    Int32.max_int; Int32.min_int]
let int64_values = [0L; 1L; -1L; 291L; 0xdeadbeefL; -0x123456789L;
                    Int64.max_int; Int64.min_int]

let last_char fmt = fmt.[String.length fmt - 1]
(* An int's unsigned view has 31 or 63 bits. *)
let unsigned_last fmt = String.contains "uoxX" (last_char fmt)
let conversion_last fmt =
  String.contains fmt '%' && String.contains "diuoxX" (last_char fmt)

let show name fmt v f =
  let result =
    match f fmt with
    | s -> Printf.sprintf "%S" s
    | exception Invalid_argument m -> "Invalid_argument " ^ m in
  Printf.printf "%s %S %s -> %s\n" name fmt v result

let () =
  List.iter (fun fmt ->
      List.iter (fun v ->
          if v >= 0 || not (unsigned_last fmt) then begin
            show "int" fmt (string_of_int v) (fun f -> format_int f v);
            show "nativeint" fmt (string_of_int v)
              (fun f -> nativeint_format f (Nativeint.of_int v))
          end)
        int_values;
      List.iter (fun v -> show "int32" fmt (Int32.to_string v) (fun f -> int32_format f v))
        int32_values;
      (* The int64 C length differs between 32- and 64-bit hosts: only
         formats where it does not show. *)
      if conversion_last fmt then
        List.iter (fun v -> show "int64" fmt (Int64.to_string v) (fun f -> int64_format f v))
          int64_values)
    formats;
  List.iter (fun fmt ->
      List.iter (fun v -> show "int32" fmt (Int32.to_string v) (fun f -> int32_format f v))
        int32_values)
    int32_only_formats;
  (* ocamlrun's 32-byte limit counts the inserted C length: the format in
     the list above is one character too long for int, this one fits. *)
  let long_format = "%000000000000000000000000008d" in
  show "int" long_format "1" (fun f -> format_int f 1);
  show "int32" long_format "1" (fun f -> int32_format f 1l);
  (* Printf goes through the same externals. *)
  Printf.printf "%5x|%-#6o|%+d|%lx|%Ld|%nu\n" 255 8 3 (-1l) Int64.min_int 42n
