(* Processes through the Unix library: fork, pipes, waitpid, kill, select,
 * exec, the environment, users. *)
open Unix

let status = function
  | WEXITED n -> Printf.sprintf "exited %d" n
  | WSIGNALED s -> Printf.sprintf "signaled %s" (if s = Sys.sigkill then "KILL" else string_of_int s)
  | WSTOPPED s -> Printf.sprintf "stopped %d" s

let () =
  let parent = getpid () in
  let r, w = pipe () in
  flush Stdlib.stdout;
  (match fork () with
   | 0 ->
     close r;
     let msg = Printf.sprintf "child of the parent: %b" (getppid () = parent) in
     ignore (write_substring w msg 0 (String.length msg));
     _exit 3
   | pid ->
     close w;
     let buf = Bytes.create 100 in
     let rec drain acc = match read r buf 0 100 with
       | 0 -> acc
       | n -> drain (acc ^ Bytes.sub_string buf 0 n) in
     print_endline (drain "");
     close r;
     let pid', st = waitpid [] pid in
     Printf.printf "waitpid: same pid %b, %s\n" (pid = pid') (status st));
  (* A child that waits to be killed. *)
  flush Stdlib.stdout;
  let r, w = pipe () in
  (match fork () with
   | 0 -> close w; ignore (read r (Bytes.create 1) 0 1); _exit 0
   | pid ->
     close r;
     let p, st = waitpid [WNOHANG] pid in
     Printf.printf "WNOHANG while running: %d %s\n" p (status st);
     kill pid Sys.sigkill;
     let _, st = waitpid [] pid in
     Printf.printf "after kill: %s\n" (status st);
     close w);
  (try ignore (waitpid [] (-1)) with Unix_error (e, fn, _) -> Printf.printf "no child: %s %s\n" (error_message e) fn);
  (* select *)
  let r, w = pipe () in
  let rd, wr, _ = select [r] [w] [] 0.0 in
  Printf.printf "select empty pipe: readable %d, writable %d\n" (List.length rd) (List.length wr);
  ignore (write_substring w "x" 0 1);
  let rd, _, _ = select [r] [] [] 1.0 in
  Printf.printf "select after write: readable %b\n" (rd = [r]);
  close r; close w;
  (* exec, through the library's process helpers *)
  let ic = open_process_in "echo from a shell; exit 4" in
  let line = input_line ic in
  Printf.printf "%s, %s\n" line (status (close_process_in ic));
  Printf.printf "system: %s\n" (status (system "exit 5"));
  let pid = create_process "sh" [| "sh"; "-c"; "exit 6" |] stdin Unix.stdout Unix.stderr in
  Printf.printf "create_process: %s\n" (status (snd (waitpid [] pid)));
  (try ignore (create_process "no-such-program-here" [| "x" |] stdin Unix.stdout Unix.stderr)
   with Unix_error (e, fn, arg) -> Printf.printf "%s %s %s\n" (error_message e) fn arg);
  flush Stdlib.stdout;
  (match fork () with
   | 0 -> (try execv "/no/such/file" [| "x" |] with Unix_error (e, fn, _) -> Printf.printf "%s %s\n" (error_message e) fn; flush Stdlib.stdout); _exit 0
   | pid -> ignore (waitpid [] pid));
  flush Stdlib.stdout;
  (match fork () with
   | 0 -> execvp "sh" [| "sh"; "-c"; "echo exec reached sh" |]
   | pid -> ignore (waitpid [] pid));
  (* environment *)
  putenv "UCAML_UNIX_TEST" "some value";
  Printf.printf "getenv after putenv: %s\n" (Sys.getenv "UCAML_UNIX_TEST");
  Printf.printf "in environment: %b\n" (Array.mem "UCAML_UNIX_TEST=some value" (environment ()));
  let ic = open_process_in "echo $UCAML_UNIX_TEST" in
  Printf.printf "a child sees it: %s\n" (input_line ic);
  ignore (close_process_in ic);
  (* users *)
  let uid = getuid () in
  Printf.printf "uid = euid %b, gid = egid %b\n" (uid = geteuid ()) (getgid () = getegid ());
  let pw = getpwuid uid in
  Printf.printf "getpwuid: %s uid %b\n" pw.pw_name (pw.pw_uid = uid);
  Printf.printf "getpwnam round trip: %b\n" ((getpwnam pw.pw_name).pw_dir = pw.pw_dir);
  let gr = getgrgid (getgid ()) in
  Printf.printf "getgrgid: %s, getgrnam round trip %b\n" gr.gr_name ((getgrnam gr.gr_name).gr_gid = gr.gr_gid);
  (try ignore (getpwnam "no-such-user-here") with Not_found -> print_endline "getpwnam: Not_found");
  Printf.printf "groups: %b\n" (Array.length (getgroups ()) >= 0)
