(* OCAMLRUNPARAM read with ocamlrun's grammar (runparam.env lists the
   settings this runs under), then Gc.set of the minor heap size moving the
   program to a nursery of the new size while its data stays intact. *)
let show_gc label =
  let g = Gc.get () in
  Printf.printf "%s: minor=%d incr=%d space=%d verbose=%d max=%d stack=%d policy=%d \
                 window=%d custom=%d/%d/%d\n"
    label g.minor_heap_size g.major_heap_increment g.space_overhead g.verbose
    g.max_overhead g.stack_limit g.allocation_policy g.window_size
    g.custom_major_ratio g.custom_minor_ratio g.custom_minor_max_size

let rec deep n = if n = 0 then failwith "deep" else 1 + deep (n - 1)

(* Data that lives across the resizes: young and old blocks, checked after. *)
let build n = List.init n (fun i -> (i, string_of_int i))
let check l = List.for_all (fun (i, s) -> s = string_of_int i) l

let () =
  show_gc "start";
  print_endline (Sys.runtime_parameters ());
  Printf.printf "backtraces %b, parser trace %b\n"
    (Printexc.backtrace_status ()) (Parsing.set_trace false);
  (match deep 3 with
   | _ -> ()
   | exception Failure _ -> Printexc.print_backtrace stdout);
  let old_data = build 50_000 in
  Gc.full_major ();
  List.iter (fun size ->
      let young = build 1000 in
      Gc.set { (Gc.get ()) with Gc.minor_heap_size = size; space_overhead = 90 };
      show_gc (Printf.sprintf "set %d" size);
      let fresh = build 200_000 in
      Printf.printf "data intact: %b %b %b\n" (check old_data) (check young) (check fresh))
    [1_000_000; 4096; 1; 100_000; 262144];
  print_endline (Sys.runtime_parameters ())
