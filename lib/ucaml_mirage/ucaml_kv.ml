(* Read-only key-value stores crunched into the program (tools/crunch).
   The generated module lists the files (path, offset, length, mtime); their
   bytes are in the program image, outside the OCaml heap (in flash on a
   board), and are copied only by [get]. *)

external crunch_size : unit -> int = "ucaml_crunch_size"
external crunch_read : int -> int -> string = "ucaml_crunch_read"
external crunch_bigarray : unit ->
  (char, Bigarray.int8_unsigned_elt, Bigarray.c_layout) Bigarray.Array1.t = "ucaml_crunch_bigarray"

module type CONTENTS = sig
  (* "/dir/name", offset in the crunched data, length, mtime (s since 1970) *)
  val files : (string * int * int * int64) list
end

module Make (C : CONTENTS) = struct
  type error = Mirage_kv.error
  let pp_error = Mirage_kv.pp_error

  type key = Mirage_kv.Key.t
  type t = unit

  type entry = { offset : int; length : int; mtime : int64 }

  let path k = Mirage_kv.Key.to_string k

  let values : (string, entry) Hashtbl.t = Hashtbl.create 16
  (* Each directory's children: name -> `Value | `Dictionary *)
  let children : (string, (string * [ `Value | `Dictionary ]) list) Hashtbl.t = Hashtbl.create 8

  let add_child dir name kind =
    let l = Option.value ~default:[] (Hashtbl.find_opt children dir) in
    if not (List.mem_assoc name l) then Hashtbl.replace children dir ((name, kind) :: l)

  let rec add_parents k kind =
    if Mirage_kv.Key.segments k <> [] then begin
      let parent = Mirage_kv.Key.parent k in
      add_child (path parent) (Mirage_kv.Key.basename k) kind;
      add_parents parent `Dictionary
    end

  let () =
    Hashtbl.replace children "/" [];
    List.iter
      (fun (name, offset, length, mtime) ->
        let k = Mirage_kv.Key.v name in
        Hashtbl.replace values (path k) { offset; length; mtime };
        add_parents k `Value)
      C.files

  let connect () =
    if C.files <> [] && crunch_size () < 0 then
      Lwt.fail_with "crunched store: the program image has no crunched data (not built by `ucaml run`/tools/crunch)"
    else Lwt.return ()

  let disconnect () = Lwt.return_unit

  let find k =
    match Hashtbl.find_opt values (path k) with
    | Some e -> Ok e
    | None when Hashtbl.mem children (path k) -> Error (`Value_expected k)
    | None -> Error (`Not_found k)

  let exists () k =
    Lwt.return
      (Ok (if Hashtbl.mem values (path k) then Some `Value
           else if Hashtbl.mem children (path k) then Some `Dictionary
           else None))

  let get () k =
    Lwt.return (Result.map (fun e -> crunch_read e.offset e.length) (find k))

  let get_partial () k ~offset ~length =
    Lwt.return
      (Result.map
         (fun e ->
           let off = max 0 (min offset e.length) in
           crunch_read (e.offset + off) (max 0 (min length (e.length - off))))
         (find k))

  (* The value without copying it: a read-only view of the image. *)
  let get_cstruct () k =
    Lwt.return
      (Result.map
         (fun e -> Cstruct.of_bigarray ~off:e.offset ~len:e.length (crunch_bigarray ()))
         (find k))

  let size () k = Lwt.return (Result.map (fun e -> e.length) (find k))

  let list () k =
    match Hashtbl.find_opt children (path k) with
    | Some l -> Lwt.return (Ok (List.sort compare l))
    | None when Hashtbl.mem values (path k) -> Lwt.return (Error (`Dictionary_expected k))
    | None -> Lwt.return (Error (`Not_found k))

  let last_modified () k =
    Lwt.return
      (Result.map
         (fun e -> (Int64.to_int (Int64.div e.mtime 86400L),
                    Int64.mul (Int64.rem e.mtime 86400L) 1_000_000_000_000L))
         (find k))

  let digest () k =
    Lwt.return (Result.map (fun e -> Digest.string (crunch_read e.offset e.length)) (find k))
end
