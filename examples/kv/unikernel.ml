(* A unikernel reading a read-only key-value store: the files of
   examples/kv/files, crunched into the image at build time. *)

let ( >>= ) = Lwt.bind

module Kv (C : Mirage_console.S) (K : Mirage_kv.RO) = struct
  let show_error c k e = C.log c (Format.asprintf "%a: %a" Mirage_kv.Key.pp k K.pp_error e)

  (* Every value under [dir], depth first, with its size and MD5. *)
  let rec walk c kv dir =
    K.list kv dir >>= function
    | Error e -> show_error c dir e
    | Ok entries ->
      Lwt_list.iter_s
        (fun (name, kind) ->
          let k = Mirage_kv.Key.(dir / name) in
          match kind with
          | `Dictionary -> walk c kv k
          | `Value ->
            K.get kv k >>= function
            | Error e -> show_error c k e
            | Ok data ->
              K.digest kv k >>= fun d ->
              let md5 = match d with Ok d -> Digest.to_hex d | Error _ -> "?" in
              C.log c (Format.asprintf "%a %d bytes md5 %s" Mirage_kv.Key.pp k (String.length data) md5))
        entries

  let start c kv =
    walk c kv Mirage_kv.Key.empty >>= fun () ->
    let hello = Mirage_kv.Key.v "hello.txt" in
    (K.get kv hello >>= function
     | Ok s -> C.log c ("hello.txt says: " ^ String.trim s)
     | Error e -> show_error c hello e)
    >>= fun () ->
    let missing = Mirage_kv.Key.v "no/such/file" in
    K.get kv missing >>= function
    | Ok _ -> C.log c "unexpected: a missing key was found"
    | Error e -> show_error c missing e
end
