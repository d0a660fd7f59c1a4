"""Streamlit helpers of the account page (``pages/account.py``): where the account comes from, and its sections."""
