(* The crunched key-value store (tools/crunch + Ucaml_kv): contents,
   directories, sizes, digests, zero-copy views and every error case. *)

open Check

let ( >>= ) = Lwt.bind

module K = Store
let key = Mirage_kv.Key.v

let expect_error name p want =
  p >>= fun r ->
  check name (match r with Error e -> e = want | Ok _ -> false);
  Lwt.return_unit

let all_bytes = String.concat "" (List.init 40 (fun _ -> String.init 256 Char.chr))

let test kv =
  K.get kv (key "a.txt") >>= fun r ->
  check "get a.txt" (r = Ok "alpha\n");
  K.get kv (key "/sub/b.txt") >>= fun r ->
  check "get sub/b.txt" (r = Ok "beta in a subdirectory\n");
  K.get kv (key "empty.txt") >>= fun r ->
  check "get an empty file" (r = Ok "");
  K.get kv (key "sub/bytes.bin") >>= fun r ->
  check "binary contents intact" (r = Ok all_bytes);
  K.get_cstruct kv (key "sub/bytes.bin") >>= fun r ->
  check "zero-copy view equals the contents"
    (match r with Ok c -> Cstruct.to_string c = all_bytes | Error _ -> false);
  K.size kv (key "sub/bytes.bin") >>= fun r ->
  check "size" (r = Ok 10240);
  K.digest kv (key "a.txt") >>= fun r ->
  check "digest" (r = Ok (Digest.string "alpha\n"));
  K.exists kv (key "a.txt") >>= fun r ->
  check "exists: value" (r = Ok (Some `Value));
  K.exists kv (key "sub") >>= fun r ->
  check "exists: dictionary" (r = Ok (Some `Dictionary));
  K.exists kv (key "nope") >>= fun r ->
  check "exists: missing" (r = Ok None);
  K.list kv Mirage_kv.Key.empty >>= fun r ->
  check "list root" (r = Ok [ ("a.txt", `Value); ("empty.txt", `Value); ("sub", `Dictionary) ]);
  K.list kv (key "sub") >>= fun r ->
  check "list sub" (r = Ok [ ("b.txt", `Value); ("bytes.bin", `Value) ]);
  K.last_modified kv (key "a.txt") >>= fun r ->
  check "last modified after 2020" (match r with Ok (d, _) -> d > 18262 | Error _ -> false);
  expect_error "missing key" (K.get kv (key "no/such")) (`Not_found (key "no/such")) >>= fun () ->
  expect_error "get of a directory" (K.get kv (key "sub")) (`Value_expected (key "sub")) >>= fun () ->
  expect_error "list of a value" (K.list kv (key "a.txt")) (`Dictionary_expected (key "a.txt"))

let () =
  Ucaml_os.Main.run (K.connect () >>= test);
  finish "kvstore"
