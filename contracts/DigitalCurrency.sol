// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title Digital currency
/// @notice The money statutes pay with: one token unit is one minor unit of the
/// currency (a fen for CNY), so `decimals()` equals the currency's minor digits.
/// @dev Only holders of MINTER_ROLE (the monetary authority) create money.
contract DigitalCurrency is ERC20, AccessControl {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    uint8 private immutable _minorDigits;

    constructor(string memory name, string memory code, uint8 minorDigits, address authority)
        ERC20(name, code)
    {
        _minorDigits = minorDigits;
        _grantRole(DEFAULT_ADMIN_ROLE, authority);
        _grantRole(MINTER_ROLE, authority);
    }

    function decimals() public view override returns (uint8) {
        return _minorDigits;
    }

    /// @notice Create `amount` minor units in `to`'s wallet.
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }
}
