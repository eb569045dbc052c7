(* A first program for any ucaml port: prints, computes, allocates. *)
let () =
  Printf.printf "Hello from OCaml %s on ucaml (%d-bit words, %s)\n"
    Sys.ocaml_version Sys.word_size Sys.os_type;
  let table = Hashtbl.create 16 in
  List.iter (fun w -> Hashtbl.replace table w (String.length w))
    [ "unikernel"; "microcontroller"; "bytecode"; "flash" ];
  let longest =
    Hashtbl.fold (fun w n (bw, bn) -> if n > bn then (w, n) else (bw, bn)) table ("", 0)
  in
  Printf.printf "longest word: %s (%d letters)\n" (fst longest) (snd longest);
  let rec fib n = if n < 2 then n else fib (n - 1) + fib (n - 2) in
  Printf.printf "fib 20 = %d, sqrt 2 = %.17g\n" (fib 20) (sqrt 2.);
  let st = Gc.quick_stat () in
  Printf.printf "GC: %d minor collections, heap %d words\n" st.Gc.minor_collections st.Gc.heap_words
