// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

/// @title The Foundry cheatcodes these tests use
/// @notice A minimal stand-in for forge-std's `Vm` (no registry this project installs from ships a
/// current forge-std): only the cheatcodes called here, with their exact Foundry signatures.
interface Vm {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function warp(uint256 timestamp) external;
    function prank(address sender) external;
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function assume(bool condition) external pure;
    function label(address account, string calldata name) external;
    function snapshotState() external returns (uint256 id);
    function revertToState(uint256 id) external returns (bool);
    function expectRevert(bytes calldata revertData) external;
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory logs);
}

/// @dev Foundry's cheatcode address: `address(uint160(uint256(keccak256("hevm cheat code"))))`.
Vm constant VM = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

/// @title What every test contract here shares: cheatcodes, assertions, input bounding, targets.
/// @dev Forge runs functions named `test…` (unit and fuzz) and `invariant_…` (after every call of a
/// random sequence on the contracts `targetContracts()` names); a revert fails them.
abstract contract ContractTest {
    Vm internal constant vm = VM;

    address[] private _targets;

    error AssertionFailed(string what, uint256 got, uint256 expected);
    error ConditionFailed(string what);

    /// @notice The contracts the invariant fuzzer calls (its handlers): read by forge.
    function targetContracts() public view returns (address[] memory) {
        return _targets;
    }

    function targetContract(address target) internal {
        _targets.push(target);
    }

    function assertEq(uint256 got, uint256 expected, string memory what) internal pure {
        if (got != expected) revert AssertionFailed(what, got, expected);
    }

    function assertLe(uint256 got, uint256 limit, string memory what) internal pure {
        if (got > limit) revert AssertionFailed(what, got, limit);
    }

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert ConditionFailed(what);
    }
}

/// @notice `value` itself when in [low, high], else mapped into it (fuzzed inputs keep their spread,
/// unlike `assume`, and a test's literal arguments mean what they say).
function bound(uint256 value, uint256 low, uint256 high) pure returns (uint256) {
    if (value >= low && value <= high) return value;
    return low + value % (high - low + 1);
}

/// @notice A deterministic test account for `name`, and its private key.
function account(string memory name) pure returns (address who, uint256 key) {
    key = uint256(keccak256(bytes(name))) % 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141 + 1;
    who = VM.addr(key);
}
