(* Formatted output: Printf.bprintf / sprintf and Format to a buffer with
   integers, floats, strings, padding, hex, boxes.
   Usage: printf_bench.byte [N] *)

let n = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 30000

let mix h s =
  let h = ref h in
  String.iter (fun c -> h := (!h * 31 + Char.code c) land 0x3FFFFFFF) s;
  !h

let () =
  let b = Buffer.create 4096 in
  let h = ref 0 and len = ref 0 in
  for i = 1 to n do
    Printf.bprintf b "%d|%5d|%-6s|%x|%08X|%.3f|%g|%e|%s|%c|%b\n"
      i (i * 3) (string_of_int (i mod 1000)) i (i * 7919)
      (float i /. 7.0) (float i *. 1.5e-3) (float i *. 123.456)
      (if i land 1 = 0 then "even" else "odd")
      (Char.chr (97 + i mod 26)) (i mod 3 = 0);
    let s = Printf.sprintf "[%*d:%.*f]" 8 i 2 (sqrt (float i)) in
    Buffer.add_string b s;
    if Buffer.length b > 60000 then begin
      h := mix !h (Buffer.contents b);
      len := !len + Buffer.length b;
      Buffer.clear b
    end
  done;
  (* Format with boxes and breaks *)
  let fb = Buffer.create 4096 in
  let ppf = Format.formatter_of_buffer fb in
  Format.pp_set_margin ppf 60;
  for i = 1 to n / 10 do
    Format.fprintf ppf "@[<hov 2>item %d:@ [%a]@ %s@]@\n" i
      (Format.pp_print_list ~pp_sep:(fun f () -> Format.fprintf f ";@ ")
         Format.pp_print_int) [i; i * 2; i * 3; i * 4; i * 5; i * 6]
      (String.make (i mod 17) 'x')
  done;
  Format.pp_print_flush ppf ();
  h := mix !h (Buffer.contents b);
  len := !len + Buffer.length b;
  Printf.printf "printf n=%d len=%d hash=%d fmtlen=%d fmthash=%d\n"
    n !len !h (Buffer.length fb) (mix 0 (Buffer.contents fb))
