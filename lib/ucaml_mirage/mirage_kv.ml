(* Key-value stores, with the shape of MirageOS's [Mirage_kv.RO]. *)

module Key = struct
  (* A path: its segments, without empty ones. *)
  type t = string list

  let empty = []
  let v s = List.filter (fun x -> x <> "") (String.split_on_char '/' s)
  let add t s = t @ v s
  let ( / ) = add
  let append a b = a @ b
  let ( // ) = append
  let segments t = t
  let basename t = match List.rev t with [] -> "" | x :: _ -> x
  let parent t = match List.rev t with [] -> [] | _ :: r -> List.rev r
  let compare = compare
  let equal = ( = )
  let to_string t = "/" ^ String.concat "/" t
  let pp ppf t = Format.pp_print_string ppf (to_string t)
end

type error = [ `Not_found of Key.t | `Dictionary_expected of Key.t | `Value_expected of Key.t ]

let pp_error ppf = function
  | `Not_found k -> Format.fprintf ppf "key %a not found" Key.pp k
  | `Dictionary_expected k -> Format.fprintf ppf "%a is not a dictionary" Key.pp k
  | `Value_expected k -> Format.fprintf ppf "%a is not a value" Key.pp k

module type RO = sig
  type nonrec error = private [> error ]
  val pp_error : Format.formatter -> error -> unit
  type t
  val disconnect : t -> unit Lwt.t
  type key = Key.t
  val exists : t -> key -> ([ `Value | `Dictionary ] option, error) result Lwt.t
  val get : t -> key -> (string, error) result Lwt.t
  (* [length] bytes (fewer at the end) of the value from [offset]: how a
     value larger than the heap is read.  MirageOS's offsets and sizes are
     Optint.Int63.t; here they are ints. *)
  val get_partial : t -> key -> offset:int -> length:int -> (string, error) result Lwt.t
  val size : t -> key -> (int, error) result Lwt.t
  val list : t -> key -> ((string * [ `Value | `Dictionary ]) list, error) result Lwt.t
  val last_modified : t -> key -> (int * int64, error) result Lwt.t
  val digest : t -> key -> (string, error) result Lwt.t
end
