(* The Unix library on a port without processes, files or sockets (the
 * board): the program loads, the clocks and address conversions work, and
 * each call the port lacks raises Unix_error (ENOSYS, name, "") where it is
 * made.  The expected output is the board's (tests/run-all.sh runs it
 * there only). *)
let attempt name f =
  match f () with
  | () -> Printf.printf "%s: no error\n" name
  | exception (Unix.Unix_error (e, fn, arg) as exn) ->
    Printf.printf "%s: %s (%s, %S, %S)\n" name (Printexc.to_string exn) (Unix.error_message e) fn arg

let () =
  let t = Unix.gettimeofday () in
  Printf.printf "gettimeofday: %b, time: %b\n" (t >= 0.) (Unix.time () >= 0.);
  List.iter (fun s -> Printf.printf "%s -> %s\n" s (Unix.string_of_inet_addr (Unix.inet_addr_of_string s)))
    ["127.0.0.1"; "::1"; "::"; "fe80::1:2"; "2001:db8:0:0:1:0:0:1"; "::ffff:10.0.0.1"; "1:2:3:4:5:6:7:8"];
  (try ignore (Unix.inet_addr_of_string "1::2::3") with Failure m -> print_endline ("Failure " ^ m));
  attempt "fork" (fun () -> ignore (Unix.fork ()));
  attempt "stat" (fun () -> ignore (Unix.stat "/"));
  attempt "LargeFile.fstat" (fun () -> ignore (Unix.LargeFile.fstat Unix.stdin));
  attempt "socket" (fun () -> ignore (Unix.socket Unix.PF_INET Unix.SOCK_STREAM 0));
  attempt "sleepf" (fun () -> Unix.sleepf 0.01);
  print_endline "still running"
