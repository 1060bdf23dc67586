// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {StatuteBase} from "./StatuteBase.sol";

/// @title Wages paid from the employer's deposit, first in first out, with arrears when it runs short
/// @notice Employers deposit currency; a wage falling due is paid at once when nothing of that employer
/// waits before it and the deposit covers it, else it joins the employer's queue (arrears). The queue's
/// head is paid whole, never in part, as later deposits cover it; `payArrears` pays a bounded page of
/// it, so no call's work grows with the queue.
/// @dev Per depositor one slot: deposit (bits 0–127) | queue head (128–191) | queue tail (192–255).
/// Every state change for a payment is made before its transfer, and every entry point that moves
/// money is `nonReentrant` (StatuteBase).
abstract contract WageQueue is StatuteBase {
    using SafeERC20 for IERC20;

    /// @notice A payment due and not yet paid (arrears), waiting in its employer's queue.
    struct Due {
        address employee;
        uint96 amount;
        bytes32 article;
    }

    /// @notice The most queued payments a `deposit` (or a punch) pays; `payArrears` pays the rest.
    uint256 public constant MAX_PAYMENTS_PER_CALL = 100;

    uint256 private constant HEAD = 128;
    uint256 private constant TAIL = 192;

    mapping(address owner => uint256) private _funds;
    /// @notice Payments ever queued; queued payments are numbered from 1 (a payment made at once,
    /// never queued, is logged with `seq` 0).
    uint256 public dueCount;
    mapping(uint256 seq => Due) private _dues;
    mapping(address employer => mapping(uint256 index => uint256 seq)) private _queues;

    event Deposited(uint64 ref, address indexed owner, uint256 amount);
    event Withdrawn(address indexed owner, uint256 amount);
    /// @notice A payment fell due under `article` and waits in its employer's queue (arrears until paid);
    /// `seq` orders all queued payments first in first out.
    event WageDue(uint256 indexed seq, uint64 ref, address indexed employer, address indexed employee,
                  bytes32 article, uint256 amount);
    /// @notice A payment was made from the employer's deposit during event `ref`: queued payment `seq`,
    /// or (`seq` 0) one paid at once in the event that made it due.
    event WagePaid(uint256 indexed seq, uint64 ref, address indexed employer, address indexed employee,
                   bytes32 article, uint256 amount);

    error NegativeDeposit(int256 amount);
    error DepositExceedsWallet(uint256 amount, uint256 wallet);
    error WithdrawalExceedsDeposit(uint256 amount, uint256 deposit);
    /// @notice A deposit cannot be withdrawn while its owner's queue holds arrears: it is owed to them.
    error ArrearsOutstanding(address employer, uint256 count);
    /// @notice A page of zero items would do nothing.
    error EmptyPage();

    // ------------------------------------------------------------------ external

    /// @notice Move `amount` of the caller's currency (approved beforehand) into its deposit; arrears
    /// waiting for it are paid first in first out, at most `MAX_PAYMENTS_PER_CALL` of them.
    function deposit(int256 amount, uint64 ref) external nonReentrant inForce {
        if (amount < 0) revert NegativeDeposit(amount);
        uint256 value = uint256(amount);
        uint256 wallet = currency.balanceOf(msg.sender);
        if (wallet < value) revert DepositExceedsWallet(value, wallet);
        uint256 funds = _funds[msg.sender];
        _funds[msg.sender] = (funds >> HEAD << HEAD) | SafeCast.toUint128(uint128(funds) + value);
        emit Deposited(ref, msg.sender, value);
        currency.safeTransferFrom(msg.sender, address(this), value);
        _payQueue(msg.sender, ref, MAX_PAYMENTS_PER_CALL);
    }

    /// @notice Take back `amount` of the caller's deposit; refused before the effective date and while
    /// the caller owes arrears.
    function withdraw(uint256 amount) external nonReentrant inForce {
        uint256 funds = _funds[msg.sender];
        uint256 waiting = _queued(funds);
        if (waiting != 0) revert ArrearsOutstanding(msg.sender, waiting);
        if (amount > uint128(funds)) revert WithdrawalExceedsDeposit(amount, uint128(funds));
        unchecked { _funds[msg.sender] = funds - amount; } // the deposit (low 128 bits) covers it
        emit Withdrawn(msg.sender, amount);
        currency.safeTransfer(msg.sender, amount);
    }

    /// @notice Pay up to `maxItems` of `employer`'s arrears from its deposit, oldest first, stopping at
    /// the first its deposit does not cover; returns how many remain queued. Anyone may call it.
    /// @dev Loop bound: `maxItems` iterations.
    function payArrears(uint64 ref, address employer, uint256 maxItems)
        external nonReentrant inForce returns (uint256 remaining)
    {
        if (maxItems == 0) revert EmptyPage();
        _payQueue(employer, ref, maxItems);
        return _queued(_funds[employer]);
    }

    // ------------------------------------------------------------------ views

    /// @notice The owner's deposit held by this contract.
    function deposits(address owner) external view returns (uint256) {
        return uint128(_funds[owner]);
    }

    /// @notice How many payments wait in `employer`'s queue.
    function arrearsCount(address employer) external view returns (uint256) {
        return _queued(_funds[employer]);
    }

    /// @notice Payments waiting in `employer`'s queue (arrears), oldest first.
    /// @dev Reads the whole queue: meant for off-chain calls, not for other contracts.
    function arrears(address employer) external view returns (uint256[] memory seqs, Due[] memory dues) {
        uint256 funds = _funds[employer];
        uint256 head = uint64(funds >> HEAD);
        seqs = new uint256[](_queued(funds));
        dues = new Due[](seqs.length);
        for (uint256 i = 0; i < seqs.length; ++i) {
            seqs[i] = _queues[employer][head + i];
            dues[i] = _dues[seqs[i]];
        }
    }

    // ------------------------------------------------------------------ internal

    function _queued(uint256 funds) private pure returns (uint256) {
        unchecked { return (funds >> TAIL) - uint64(funds >> HEAD); } // the head never passes the tail
    }

    /// @dev Take `amount` out of `employer`'s deposit when nothing waits in its queue and the deposit
    /// covers it (one slot read and written); false if the payment has to wait. The caller logs the
    /// payment and transfers it.
    function _takeIfFree(address employer, uint256 amount) internal returns (bool) {
        uint256 funds = _funds[employer];
        if (_queued(funds) != 0 || uint128(funds) < amount) return false;
        unchecked { _funds[employer] = funds - amount; } // the deposit (low 128 bits) covers it
        return true;
    }

    function _transferWage(address employee, uint256 amount) internal {
        currency.safeTransfer(employee, amount);
    }

    /// @dev A payment falls due: paid at once (`WagePaid` with seq 0) when nothing waits before it and
    /// the deposit covers it, else queued.
    function _payOrEnqueue(address employer, address employee, bytes32 article, uint256 amount, uint64 ref)
        internal
    {
        if (!_takeIfFree(employer, amount)) {
            _enqueue(employer, employee, article, amount, ref);
            return;
        }
        emit WagePaid(0, ref, employer, employee, article, amount);
        _transferWage(employee, amount);
    }

    /// @dev A payment falls due and waits in its employer's queue.
    function _enqueue(address employer, address employee, bytes32 article, uint256 amount, uint64 ref) internal {
        uint256 seq = ++dueCount;
        emit WageDue(seq, ref, employer, employee, article, amount);
        _dues[seq] = Due(employee, SafeCast.toUint96(amount), article);
        uint256 funds = _funds[employer];
        _queues[employer][funds >> TAIL] = seq;
        _funds[employer] = funds + (1 << TAIL);
    }

    /// @dev Pay the head of the employer's queue, whole, while its deposit covers it: at most `maxItems`.
    /// Checks-effects-interactions per payment: the queue and the deposit are updated before the transfer.
    function _payQueue(address employer, uint64 ref, uint256 maxItems) private {
        uint256 funds = _funds[employer];
        uint256 head = uint64(funds >> HEAD);
        uint256 end = funds >> TAIL;
        if (end - head > maxItems) end = head + maxItems;
        for (; head < end; ++head) {
            uint256 seq = _queues[employer][head];
            Due memory due = _dues[seq];
            if (uint128(funds) < due.amount) break;
            funds = (funds >> TAIL << TAIL) | (head + 1) << HEAD | (uint128(funds) - due.amount);
            _funds[employer] = funds;
            delete _queues[employer][head];
            delete _dues[seq];
            emit WagePaid(seq, ref, employer, due.employee, due.article, due.amount);
            _transferWage(due.employee, due.amount);
        }
    }
}
