(* Much library code, little data: Printf, Format, Scanf, Hashtbl, Map, Set
   and Buffer together (23 times the code of a print_endline hello world).
   On a board the bytecode stays in flash, so its RAM use should stay close
   to hello world's. *)
module SMap = Map.Make (String)
module ISet = Set.Make (Int)

type shape = Circle of float | Rect of float * float | Group of shape list

let rec pp_shape ppf = function
  | Circle r -> Format.fprintf ppf "@[<h>circle(%.2f)@]" r
  | Rect (w, h) -> Format.fprintf ppf "@[<h>rect(%.1f,@ %.1f)@]" w h
  | Group l ->
      Format.fprintf ppf "@[<hv 2>group[@,%a]@]"
        (Format.pp_print_list ~pp_sep:(fun ppf () -> Format.fprintf ppf ";@ ") pp_shape)
        l

let () =
  let h = Hashtbl.create 64 in
  for i = 0 to 999 do
    Hashtbl.replace h (Printf.sprintf "key-%04d" i) (i * i mod 977)
  done;
  let total = Hashtbl.fold (fun _ v acc -> acc + v) h 0 in
  Printf.printf "hashtbl: %d entries, sum %d, key-0123 -> %d\n" (Hashtbl.length h) total
    (Hashtbl.find h "key-0123");
  let m = Hashtbl.fold (fun k v m -> if v mod 7 = 0 then SMap.add k v m else m) h SMap.empty in
  Printf.printf "map: %d bindings, first %s\n" (SMap.cardinal m) (fst (SMap.min_binding m));
  let s = List.fold_left (fun s i -> ISet.add (i * 37 mod 101) s) ISet.empty (List.init 300 Fun.id) in
  Printf.printf "set: %d elements, max %d\n" (ISet.cardinal s) (ISet.max_elt s);
  let b = Buffer.create 16 in
  for i = 1 to 20 do
    Printf.bprintf b "%3d|%-5s|%05x|%+d|%c|%S\n" i (String.make (i mod 5) '*') (i * 4099) (-i) (Char.chr (65 + i)) "q"
  done;
  print_string (Buffer.contents b);
  Printf.printf "%s %08.3f %e %10s %-10s|\n" (string_of_bool true) 3.25 1234.5 "right" "left";
  let shapes = Group [ Circle 1.5; Rect (2., 3.); Group [ Circle 0.25; Rect (10., 20.) ]; Circle 7. ] in
  Format.printf "@[<v>shapes:@,%a@]@." pp_shape shapes;
  Format.printf "@[<hov 4>%a@]@." (Format.pp_print_list ~pp_sep:Format.pp_print_space Format.pp_print_int)
    (List.init 40 (fun i -> i * i));
  let n, w = Scanf.sscanf "42 words" "%d %s" (fun n w -> (n, w)) in
  Printf.printf "scanf: %d %s\n" n w
