(* Files, directories, descriptors and errors through the Unix library. *)
open Unix

let dir = "unix_files.tmp"

let rec remove path =
  match (lstat path).st_kind with
  | S_DIR -> Array.iter (fun n -> remove (Filename.concat path n)) (Sys.readdir path); rmdir path
  | _ -> unlink path
  | exception Unix_error (ENOENT, _, _) -> ()

let kind = function
  | S_REG -> "reg" | S_DIR -> "dir" | S_CHR -> "chr" | S_BLK -> "blk"
  | S_LNK -> "lnk" | S_FIFO -> "fifo" | S_SOCK -> "sock"

let show f = try f () with e -> print_endline ("  raised " ^ Printexc.to_string e)

let () =
  remove dir;
  let old_umask = umask 0o022 in
  mkdir dir 0o755;
  chdir dir;
  let fd = openfile "a.txt" [O_WRONLY; O_CREAT; O_TRUNC] 0o640 in
  let b = Bytes.of_string "hello, unix\nsecond line\n" in
  Printf.printf "write %d\n" (write fd b 0 (Bytes.length b));
  Printf.printf "single_write %d\n" (single_write_substring fd "tail" 0 4);
  close fd;
  let st = stat "a.txt" in
  Printf.printf "stat: %s size %d perm %o nlink %d\n" (kind st.st_kind) st.st_size st.st_perm st.st_nlink;
  let fd = openfile "a.txt" [O_RDONLY] 0 in
  let buf = Bytes.create 100 in
  let n = read fd buf 0 5 in
  Printf.printf "read %d %S\n" n (Bytes.sub_string buf 0 n);
  Printf.printf "lseek cur %d end %d\n" (lseek fd 0 SEEK_CUR) (lseek fd 0 SEEK_END);
  ignore (lseek fd 7 SEEK_SET);
  let n = read fd buf 0 100 in
  Printf.printf "read %d %S\n" n (Bytes.sub_string buf 0 n);
  Printf.printf "read at end %d\n" (read fd buf 0 100);
  Printf.printf "lseek64 %Ld\n" (LargeFile.lseek fd 3L SEEK_SET);
  Printf.printf "fstat64 size %Ld\n" (LargeFile.fstat fd).LargeFile.st_size;
  let fd2 = dup fd in
  Printf.printf "dup shares offset: %d\n" (lseek fd2 0 SEEK_CUR);
  close fd2;
  close fd;
  show (fun () -> ignore (read fd buf 0 1));
  (* channels over descriptors *)
  let ic = in_channel_of_descr (openfile "a.txt" [O_RDONLY] 0) in
  Printf.printf "channel line %S\n" (input_line ic);
  close_in ic;
  let oc = out_channel_of_descr (openfile "b.txt" [O_WRONLY; O_CREAT; O_APPEND] 0o600) in
  output_string oc "via a channel\n";
  close_out oc;
  Printf.printf "b.txt %d bytes, perm %o\n" (stat "b.txt").st_size (stat "b.txt").st_perm;
  (* names *)
  symlink "a.txt" "link";
  Printf.printf "readlink %s, lstat %s, stat %s\n" (readlink "link") (kind (lstat "link").st_kind)
    (kind (stat "link").st_kind);
  link "a.txt" "hard";
  Printf.printf "nlink after link %d\n" (stat "a.txt").st_nlink;
  rename "hard" "renamed";
  Printf.printf "renamed exists %b, hard exists %b\n" (Sys.file_exists "renamed") (Sys.file_exists "hard");
  truncate "renamed" 5;
  Printf.printf "truncated size %d\n" (stat "a.txt").st_size;
  let fd = openfile "renamed" [O_RDWR] 0 in
  ftruncate fd 2;
  LargeFile.ftruncate fd 3L;
  Printf.printf "ftruncated size %Ld\n" (LargeFile.stat "a.txt").LargeFile.st_size;
  close fd;
  chmod "a.txt" 0o600;
  Printf.printf "chmod perm %o\n" (stat "a.txt").st_perm;
  access "a.txt" [R_OK; W_OK];
  show (fun () -> access "a.txt" [X_OK]);
  mkdir "sub" 0o700;
  Printf.printf "sub: %s perm %o\n" (kind (stat "sub").st_kind) (stat "sub").st_perm;
  let d = opendir "." in
  let rec entries acc = match readdir d with n -> entries (n :: acc) | exception End_of_file -> acc in
  let names = List.sort compare (entries []) in
  Printf.printf "readdir: %s\n" (String.concat " " names);
  rewinddir d;
  Printf.printf "after rewinddir: %d entries\n" (List.length (entries []));
  closedir d;
  show (fun () -> ignore (readdir d));
  Printf.printf "realpath ends with %s\n" (Filename.basename (realpath "sub/../a.txt"));
  Printf.printf "getcwd ends with %s\n" (Filename.basename (getcwd ()));
  (* descriptors *)
  let r, w = pipe () in
  let spare = dup w in
  dup2 r spare;
  let wrote = write_substring w "xy" 0 2 in
  Printf.printf "dup2 makes a reader: %d %d\n" wrote (read spare buf 0 10);
  close spare;
  set_nonblock r;
  show (fun () -> ignore (read r buf 0 10));
  clear_nonblock r;
  set_close_on_exec r;
  clear_close_on_exec r;
  Printf.printf "isatty pipe %b\n" (isatty r);
  close r;
  close w;
  (* errors *)
  show (fun () -> ignore (stat "missing"));
  show (fun () -> ignore (openfile "missing/x" [O_RDONLY] 0));
  show (fun () -> mkdir "sub" 0o755);
  show (fun () -> rmdir "a.txt");
  show (fun () -> unlink "sub");
  show (fun () -> ignore (stat "nul\000byte"));
  show (fun () -> ignore (openfile "a.txt" [O_CREAT; O_EXCL; O_WRONLY] 0o600));
  (match stat "missing" with
   | _ -> ()
   | exception Unix_error (e, fn, arg) -> Printf.printf "%s (%s %s)\n" (error_message e) fn arg);
  Printf.printf "%s\n" (error_message (EUNKNOWNERR 99999));
  Printf.printf "%s\n" (error_message EAGAIN);
  chdir "..";
  remove dir;
  Printf.printf "removed %b\n" (not (Sys.file_exists dir));
  ignore (umask old_umask);
  handle_unix_error (fun () -> ignore (stat "missing-at-last")) ()
