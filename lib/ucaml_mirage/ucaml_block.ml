(* Block devices of the port (a file on hosts and emulators, a flash
   partition on boards), as a [Mirage_block.S]. *)

external block_open : string -> int = "ucaml_block_open"
external block_info : int -> int * int64 * bool = "ucaml_block_info"
external block_read : int -> int64 -> Cstruct.buffer -> int -> int -> int = "ucaml_block_read"
external block_write : int -> int64 -> Cstruct.buffer -> int -> int -> int = "ucaml_block_write"
external block_close : int -> int = "ucaml_block_close"

type t = { slot : int; info : Mirage_block.info; mutable connected : bool }

type error = [ Mirage_block.error | `Out_of_range | `Unaligned | `Device of Ucaml_dev.error ]
type write_error = [ Mirage_block.write_error | error ]

let pp_error ppf : error -> unit = function
  | #Mirage_block.error as e -> Mirage_block.pp_error ppf e
  | `Out_of_range -> Format.pp_print_string ppf "sector out of range"
  | `Unaligned -> Format.pp_print_string ppf "buffer is not a whole number of sectors"
  | `Device e -> Format.pp_print_string ppf (Ucaml_dev.error_message e)

let pp_write_error ppf : write_error -> unit = function
  | `Is_read_only -> Format.pp_print_string ppf "device is read-only"
  | #error as e -> pp_error ppf e

let connect name =
  let slot = block_open name in
  if slot < 0 then Lwt.fail (Ucaml_dev.Device_error ("block device " ^ name, Ucaml_dev.error_of_code slot))
  else begin
    let sector_size, size_sectors, read_write = block_info slot in
    Lwt.return { slot; info = { Mirage_block.read_write; sector_size; size_sectors }; connected = true }
  end

let disconnect t =
  if t.connected then begin
    t.connected <- false;
    ignore (block_close t.slot)
  end;
  Lwt.return_unit

let get_info t = Lwt.return t.info

let error_of_code n : error =
  match Ucaml_dev.error_of_code n with
  | Ucaml_dev.Out_of_range -> `Out_of_range
  | Ucaml_dev.Invalid -> `Unaligned
  | e -> `Device e

(* Transfers each buffer in turn, from [sector] on. *)
let transfer op t sector bufs =
  let rec go sector = function
    | [] -> Ok ()
    | b :: rest ->
      let len = Cstruct.length b in
      if len mod t.info.sector_size <> 0 then Error `Unaligned
      else begin
        let r = op t.slot sector b.Cstruct.buffer b.Cstruct.off len in
        if r < 0 then Error (error_of_code r)
        else go (Int64.add sector (Int64.of_int (len / t.info.sector_size))) rest
      end
  in
  if not t.connected then Error `Disconnected else go sector bufs

let read t sector bufs = Lwt.return (transfer block_read t sector bufs)

let write t sector bufs =
  if not t.info.read_write then Lwt.return (Error `Is_read_only)
  else Lwt.return (transfer block_write t sector bufs :> (unit, write_error) result)
