(* I/O errors raise Sys_error, which the program catches (compared with
   stock ocamlrun). *)
let report name f =
  match f () with
  | () -> Printf.printf "%s: ok\n%!" name
  | exception Sys_error msg -> Printf.printf "%s: Sys_error %s\n%!" name msg

let () =
  report "output on a closed channel" (fun () ->
      let oc = open_out "closed.txt" in
      close_out oc; output_string oc "x"; flush oc);
  report "input on a closed channel" (fun () ->
      let ic = open_in "closed.txt" in
      close_in ic; ignore (input_line ic));
  report "seek on a closed channel" (fun () ->
      let ic = open_in "closed.txt" in
      close_in ic; seek_in ic 0);
  report "close twice" (fun () ->
      let oc = open_out "closed.txt" in
      close_out oc; close_out oc);
  report "full disk" (fun () ->
      let oc = open_out "/dev/full" in
      output_string oc (String.make 100_000 'x'); flush oc);
  report "full disk at close" (fun () ->
      let oc = open_out "/dev/full" in
      output_string oc "x"; close_out oc);
  report "open a missing file" (fun () -> ignore (open_in "no/such/file"));
  report "open a directory for writing" (fun () -> ignore (open_out "."));
  (try Sys.remove "closed.txt" with Sys_error _ -> ());
  print_endline "done"
